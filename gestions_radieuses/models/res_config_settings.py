from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cae_tz = fields.Selection(related="company_id.cae_tz", readonly=False)
    cae_late_expense_policy = fields.Selection(
        related="company_id.cae_late_expense_policy", readonly=False
    )
    cae_holiday_subdivision = fields.Selection(
        related="company_id.cae_holiday_subdivision", readonly=False
    )
    cae_upload_max_size_mb = fields.Integer(
        related="company_id.cae_upload_max_size_mb", readonly=False
    )
    cae_analytic_plan_id = fields.Many2one(
        related="company_id.cae_analytic_plan_id", readonly=False
    )
    cae_deadline_horizon_months = fields.Integer(
        related="company_id.cae_deadline_horizon_months", readonly=False
    )
    cae_expense_payable_account = fields.Char(
        related="company_id.cae_expense_payable_account", readonly=False
    )
    cae_expense_journal_code = fields.Char(
        related="company_id.cae_expense_journal_code", readonly=False
    )
