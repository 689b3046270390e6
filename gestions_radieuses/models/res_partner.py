from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    cae_activity_ids = fields.Many2many(
        "cae.activity",
        "cae_activity_member_rel",
        "partner_id",
        "activity_id",
        string="CAE activities",
        readonly=True,
        help="Activities this person runs in the cooperative, alone or collectively.",
    )
