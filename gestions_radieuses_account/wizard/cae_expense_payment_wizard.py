from odoo import fields, models


class CaeExpensePaymentWizard(models.TransientModel):
    _inherit = "cae.expense.payment.wizard"

    journal_id = fields.Many2one(
        "account.journal",
        string="Paid from",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        default=lambda self: self._default_journal(),
        help="Bank or cash journal of the payment, matched with the report's entry.",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, readonly=True
    )

    def _default_journal(self):
        Journal = self.env["account.journal"].sudo()
        return Journal.search(
            [
                *Journal._check_company_domain(self.env.company),
                ("type", "in", ("bank", "cash")),
            ],
            limit=1,
        )

    def action_pay(self):
        # The base wizard's action, with the bank journal of the payment.
        self.ensure_one()
        self.report_ids._check_accountant()
        amount = self.amount if len(self.report_ids) == 1 else None
        self.report_ids._do_register_payment(
            amount=amount, date=self.payment_date, journal=self.journal_id.sudo()
        )
        return {"type": "ir.actions.act_window_close"}
