from odoo import fields, models


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
