from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cae_upload_max_size_mb = fields.Integer(
        related="company_id.cae_upload_max_size_mb", readonly=False
    )
    cae_analytic_plan_id = fields.Many2one(
        related="company_id.cae_analytic_plan_id", readonly=False
    )
    cae_deadline_horizon_months = fields.Integer(
        related="company_id.cae_deadline_horizon_months", readonly=False
    )
