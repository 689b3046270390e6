from odoo import api, fields, models


class CaeExpensePaymentWizard(models.TransientModel):
    _name = "cae.expense.payment.wizard"
    _description = "Register expense report payments"

    report_ids = fields.Many2many("cae.expense.report", string="Expense reports")
    report_count = fields.Integer(compute="_compute_amount_residual")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    amount_residual = fields.Monetary(
        string="Left to pay",
        compute="_compute_amount_residual",
        help="Negative when the entrepreneur owes the cooperative this amount.",
    )
    is_repayment = fields.Boolean(
        string="Repayment by the entrepreneur",
        compute="_compute_amount_residual",
        help="The report is negative (after a year-end regularisation): the amount "
        "is what the entrepreneur paid back to the cooperative.",
    )
    amount = fields.Monetary(
        string="Amount paid",
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="For one report, a partial payment is possible: the report is then "
        "partially paid and shows what is left; several reports are paid in full.",
    )
    payment_date = fields.Date(
        required=True, default=lambda self: self.env.company._cae_today()
    )

    @api.depends("report_ids")
    def _compute_amount_residual(self):
        for wizard in self:
            # The saved reports: in the form's onchange, report_ids are new copies
            # whose totals are recomputed without their lines (0 left to pay).
            reports = wizard.report_ids._origin
            wizard.report_count = len(reports)
            wizard.amount_residual = sum(reports.mapped("amount_residual"))
            wizard.is_repayment = wizard.amount_residual < 0

    @api.depends("report_ids")
    def _compute_amount(self):
        """What remains to be paid (or repaid), ready to confirm."""
        for wizard in self:
            wizard.amount = abs(wizard.amount_residual)

    def action_pay(self):
        self.ensure_one()
        self.report_ids._check_accountant()
        amount = self.amount if len(self.report_ids) == 1 else None
        self.report_ids._do_register_payment(amount=amount, date=self.payment_date)
        return {"type": "ir.actions.act_window_close"}
