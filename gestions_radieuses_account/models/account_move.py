from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    cae_expense_report_id = fields.Many2one(
        "cae.expense.report",
        string="Expense report",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The expense report this entry posts (emptied when it is reversed).",
    )

    # Two approvals of one report at once cannot both post: the report's row lock
    # stops the second at once, and this index holds even if it did not.
    _sql_constraints = [
        (
            "cae_expense_report_unique",
            "UNIQUE(cae_expense_report_id)",
            "An expense report has one journal entry.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("cae_expense_report_id") for vals in vals_list
        ):
            raise UserError(
                self.env._(
                    "The expense report of a journal entry is set by approving the "
                    "report and cleared by refusing it."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        # Only the posting and the refusal set or clear the link, as superuser:
        # an entry unlinked by hand could be reset or deleted behind its report,
        # and an invoice linked by hand would block a report's correction.
        if "cae_expense_report_id" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "The expense report of a journal entry is set by approving the "
                    "report and cleared by refusing it."
                )
            )
        return super().write(vals)

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # Refusing the report reverses its entry (after clearing this link):
        # reversed from Accounting, the report would stay approved on an entry
        # that no longer counts, and a refusal would then reverse it twice.
        self._cae_check_not_posting_a_report()
        return super()._reverse_moves(
            default_values_list=default_values_list, cancel=cancel
        )

    def button_draft(self):
        self._cae_check_not_posting_a_report()
        return super().button_draft()

    def _cae_check_not_posting_a_report(self):
        # The report would stay approved on an entry that no longer says so.
        posting = self.filtered("cae_expense_report_id")
        if posting:
            raise UserError(
                self.env._(
                    "%(move)s posts the expense report %(report)s: refuse the report "
                    "(CAE › Expenses) to reverse it, rather than resetting or "
                    "reversing the entry.",
                    move=posting[0].name,
                    report=posting[0].cae_expense_report_id.name,
                )
            )
