from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _cae_expense_reports(self):
        lines = self.sudo().debit_move_id | self.sudo().credit_move_id
        return lines.move_id.cae_expense_report_id

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # A payment or a bank statement line matched with a report's entry.
        partials._cae_expense_reports()._cae_sync_payment()
        return partials

    def unlink(self):
        reports = self._cae_expense_reports()
        result = super().unlink()
        # Unreconciled: the report is again (partially) unpaid.
        reports._cae_sync_payment()
        return result
