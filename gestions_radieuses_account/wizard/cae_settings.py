from odoo import fields, models

ACCOUNTING_SETTINGS_FIELDS = ("cae_expense_journal_id", "cae_expense_account_id")


class CaeSettings(models.TransientModel):
    _inherit = "cae.settings"

    cae_expense_journal_id = fields.Many2one(
        "account.journal",
        string="Expense journal",
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
        default=lambda self: self._company_value("cae_expense_journal_id"),
        help="Journal in which each approved expense report is posted.",
    )
    cae_expense_account_id = fields.Many2one(
        "account.account",
        string="Amounts owed to entrepreneurs",
        domain="[('reconcile', '=', True), ('company_ids', 'in', company_id), "
        "('account_type', 'in', ('liability_payable', 'liability_current'))]",
        default=lambda self: self._company_value("cae_expense_account_id"),
        help="Credited with what each approved report owes the entrepreneur (421000 "
        "on a French chart), with the entrepreneur as partner.",
    )

    def action_save(self):
        result = super().action_save()  # checks the manager and the company
        self.company_id.sudo().write(
            {field: self[field].id for field in ACCOUNTING_SETTINGS_FIELDS}
        )
        return result
