from odoo import fields, models

from .cae_activity import STAGES


class CaeActivityStageHistory(models.Model):
    _name = "cae.activity.stage.history"
    _description = "Stage history of an activity"
    _order = "date_start desc, id desc"

    activity_id = fields.Many2one(
        "cae.activity", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="activity_id.company_id", store=True, index=True
    )
    stage = fields.Selection(STAGES, required=True)
    date_start = fields.Date(string="Since", required=True)
    changed_by_id = fields.Many2one(
        "res.users",
        string="Changed by",
        default=lambda self: self.env.user,
        readonly=True,
    )
