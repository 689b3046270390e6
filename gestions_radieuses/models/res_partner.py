import secrets

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
    cae_calendar_token = fields.Char(
        string="Calendar feed token",
        copy=False,
        groups="base.group_system",
        help="Secret part of the entrepreneur's calendar subscription link.",
    )
    cae_digest_frequency = fields.Selection(
        [("daily", "Every day"), ("weekly", "Every week"), ("never", "Never")],
        string="Deadline digest",
        default="weekly",
        help="How often this person receives the e-mail listing their deadlines.",
    )
    cae_digest_last_sent = fields.Date(
        string="Last deadline digest", copy=False, groups="base.group_system"
    )
    cae_staff_digest_last_sent = fields.Date(
        string="Last support team digest", copy=False, groups="base.group_system"
    )

    def _cae_calendar_token(self):
        """The feed token of this partner, created on first use."""
        self.ensure_one()
        partner = self.sudo()
        if not partner.cae_calendar_token:
            partner._cae_regenerate_calendar_token()
        return partner.cae_calendar_token

    def _cae_regenerate_calendar_token(self):
        """A new secret: the old subscription link stops working at once."""
        for partner in self.sudo():
            partner.cae_calendar_token = secrets.token_urlsafe(32)

    def _cae_calendar_feed_url(self):
        self.ensure_one()
        base_url = self.get_base_url()
        return f"{base_url}/cae/calendar/{self.id}-{self._cae_calendar_token()}.ics"
