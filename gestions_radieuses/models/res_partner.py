import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.protected_fields import check_protected_fields

# Partner fields only the module writes: membership comes from the activity.
OWNED_FIELDS = {"cae_activity_ids"}


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
    cae_expense_news_sent_at = fields.Datetime(
        string="Expense news told until",
        copy=False,
        groups="base.group_system",
        help="Approvals and payments of expense reports up to this moment were in "
        "a digest.",
    )
    cae_staff_digest_last_sent = fields.Date(
        string="Last support team digest", copy=False, groups="base.group_system"
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, OWNED_FIELDS, computed=False)
        return super().create(vals_list)

    def write(self, vals):
        # Adding a partner to an activity here would show it on their portal.
        check_protected_fields(self, vals, OWNED_FIELDS, computed=False)
        return super().write(vals)

    # ------------------------------------------------------------------
    # The entrepreneur's own settings, from the portal
    # ------------------------------------------------------------------
    def _cae_check_own_partner(self):
        """Only the person themselves (or someone who may edit contacts)."""
        if len(self) != 1:
            raise UserError(self.env._("Change one person's settings at a time."))
        user = self.env.user
        if self.env.su or self == user.partner_id:
            return
        if user.share:
            raise AccessError(self.env._("You can only change your own settings."))
        self.check_access("write")

    def cae_set_digest_frequency(self, frequency):
        """Set how often this person receives the deadline digest."""
        self._cae_check_own_partner()
        allowed = dict(
            self._fields["cae_digest_frequency"]._description_selection(self.env)
        )
        if not isinstance(frequency, str) or frequency not in allowed:
            raise UserError(self.env._("Choose how often you want the e-mail."))
        self.sudo().write({"cae_digest_frequency": frequency})
        return True

    def cae_renew_calendar_token(self):
        """A new secret for this person's calendar feed: the old link stops."""
        self._cae_check_own_partner()
        self._cae_regenerate_calendar_token()
        return True

    def _cae_ensure_calendar_token(self):
        """Give a feed token to those who have none: done when a person joins an
        activity, so that the calendar page and the feed only read (their routes
        are read-only, served by a PostgreSQL replica when there is one)."""
        self.sudo().filtered(
            lambda partner: not partner.cae_calendar_token
        )._cae_regenerate_calendar_token()

    def _cae_regenerate_calendar_token(self):
        """A new secret: the old subscription link stops working at once."""
        for partner in self.sudo():
            partner.cae_calendar_token = secrets.token_urlsafe(32)

    def _cae_calendar_token(self):
        """The feed token of this partner (given one if they had none)."""
        self.ensure_one()
        self._cae_ensure_calendar_token()
        return self.sudo().cae_calendar_token

    def _cae_calendar_feed_url(self):
        """The personal feed link, or None for someone who runs no activity."""
        self.ensure_one()
        token = self.sudo().cae_calendar_token
        if not token:
            return None
        return f"{self.get_base_url()}/cae/calendar/{self.id}-{token}.ics"
