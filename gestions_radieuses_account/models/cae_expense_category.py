from odoo import fields, models


class CaeExpenseCategory(models.Model):
    _inherit = "cae.expense.category"

    account_id = fields.Many2one(
        "account.account",
        string="Expense account (Accounting)",
        company_dependent=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost', "
        "'expense_depreciation'))]",
        help="Account debited with the amount excluding VAT when a report is "
        "approved. Set from the account code on the company's chart when the "
        "chart is loaded; each company of the CAE has its own.",
    )
