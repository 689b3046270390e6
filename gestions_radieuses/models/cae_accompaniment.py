from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.protected_fields import check_protected_fields


class CaeAccompaniment(models.Model):
    _name = "cae.accompaniment"
    _description = "Accompaniment interview or workshop"
    _inherit = ["mail.thread", "mail.activity.mixin", "cae.deadline.source"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # A done interview closes the deadline waiting for it and sets the next one.
    _cae_deadline_fields = frozenset({"state", "date", "kind", "activity_id"})
    _cae_closing_event = "interview_done"
    _cae_deadline_recurrence = "interview"

    activity_id = fields.Many2one(
        "cae.activity",
        required=True,
        index=True,
        # Archive an activity rather than delete it: its records are kept 10 years.
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="activity_id.company_id",
        store=True,
        index=True,
        precompute=True,
        readonly=True,
    )
    entrepreneur_id = fields.Many2one(
        related="activity_id.entrepreneur_id", store=True, index=True, readonly=True
    )
    date = fields.Date(
        required=True,
        default=lambda self: self.env.company._cae_today(),
        tracking=True,
        index=True,
    )
    advisor_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        check_company=True,
        tracking=True,
    )
    kind = fields.Selection(
        [
            ("interview", "Individual interview"),
            ("workshop", "Workshop"),
            ("other", "Other"),
        ],
        required=True,
        default="interview",
        tracking=True,
    )
    summary = fields.Text(
        help="Shared with the entrepreneur on their portal: write it for them.",
    )
    internal_note = fields.Text(
        groups="gestions_radieuses.group_advisor",
        help="For the support team only: never shown to the entrepreneur.",
    )
    next_step = fields.Char(help="What the entrepreneur or the advisor does next.")
    next_step_date = fields.Date()
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="planned",
        tracking=True,
        index=True,
        readonly=True,
    )

    @api.depends("kind", "date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for record in self:
            record.display_name = self.env._(
                "%(kind)s of %(date)s",
                kind=kinds.get(record.kind, ""),
                date=fields.Date.to_string(record.date),
            )

    # States change only through the buttons: they check who calls, then write
    # as superuser. No context key opens this door.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, {"state"})
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "Use the Done, Cancel or Plan again buttons to change the state "
                    "of an interview."
                )
            )
        check_protected_fields(self, vals)
        return super().write(vals)

    def _cae_closing_days(self):
        done = self.filtered(lambda r: r.kind == "interview" and r.state == "done")
        return {
            day: interviews.activity_id
            for day, interviews in done.grouped("date").items()
        }

    def _set_state(self, state, allowed_from):
        if not self.env.su:
            # The support team who may edit these records, nobody else.
            if self.env.user.share:
                raise AccessError(
                    self.env._("Only the support team can change an interview.")
                )
            self.check_access("write")
        wrong = self.filtered(lambda r: r.state not in allowed_from)
        if wrong:
            raise UserError(
                self.env._(
                    "“%(record)s” is %(state)s: this change is not possible.",
                    record=wrong[0].display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        wrong[0].state
                    ],
                )
            )
        return self.sudo().write({"state": state})

    def action_done(self):
        return self._set_state("done", ("planned",))

    def action_cancel(self):
        return self._set_state("cancelled", ("planned",))

    def action_plan(self):
        return self._set_state("planned", ("done", "cancelled"))
