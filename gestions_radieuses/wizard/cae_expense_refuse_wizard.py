from odoo import fields, models


class CaeExpenseRefuseWizard(models.TransientModel):
    _name = "cae.expense.refuse.wizard"
    _description = "Refuse expense reports"

    report_ids = fields.Many2many("cae.expense.report", string="Expense reports")
    reason = fields.Text(
        required=True,
        help="Written for the entrepreneur: what to correct before submitting again.",
    )

    def action_refuse(self):
        self.ensure_one()
        self.report_ids._check_accountant()
        self.report_ids._do_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
