from odoo import api, fields, models

from ..tools.protected_fields import check_protected_fields
from .cae_activity import STAGES


class CaeActivityStageHistory(models.Model):
    _name = "cae.activity.stage.history"
    _description = "Stage history of an activity"
    _order = "date_start desc, id desc"

    activity_id = fields.Many2one(
        "cae.activity", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="activity_id.company_id", store=True, index=True, readonly=True
    )
    stage = fields.Selection(STAGES, required=True)
    date_start = fields.Date(string="Since", required=True)
    changed_by_id = fields.Many2one(
        "res.users",
        string="Changed by",
        default=lambda self: self.env.user,
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, {"changed_by_id"})
        return super().create(vals_list)

    def write(self, vals):
        check_protected_fields(self, vals, {"changed_by_id"})
        return super().write(vals)
