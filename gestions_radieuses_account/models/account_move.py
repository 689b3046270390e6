from odoo import fields, models
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

    def button_draft(self):
        # The report would stay approved on an entry that no longer says so.
        posting = self.filtered("cae_expense_report_id")
        if posting:
            raise UserError(
                self.env._(
                    "%(move)s posts the expense report %(report)s: refuse the report "
                    "(CAE › Expenses) to reverse it, rather than resetting the entry.",
                    move=posting[0].name,
                    report=posting[0].cae_expense_report_id.name,
                )
            )
        return super().button_draft()
