from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools import consteq

from ..models.cae_deadline_feed import DONE_DAYS
from ..tools.form_errors import typed_id
from .portal import CaePortal

# The portal page shows what is late and what is due within this many days.
UPCOMING_DAYS = 90
# "This week" on the page: what is due within this many days, after what is late.
WEEK_DAYS = 7
# The home tile counts what is late and what is due within this many days.
TILE_DAYS = 14


class CaeCalendarPortal(CaePortal):
    """The entrepreneur's administrative calendar: page, digest choice, feed."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "cae_deadline_count" in counters:
            Deadline = request.env["cae.deadline"]
            limit = request.env.company._cae_today() + timedelta(days=TILE_DAYS)
            values["cae_deadline_count"] = (
                Deadline.search_count(
                    [("state", "=", "todo"), ("due_date", "<=", limit)]
                )
                if Deadline.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # The calendar page
    # ------------------------------------------------------------------
    def _cae_calendar_values(self, **extra):
        Deadline = request.env["cae.deadline"]
        today = request.env.company._cae_today()
        # Read as the entrepreneur: record rules keep to their own activities.
        todo = Deadline.search(
            [
                ("state", "=", "todo"),
                ("due_date", "<=", today + timedelta(days=UPCOMING_DAYS)),
            ]
        )
        done = Deadline.search(
            [
                ("state", "=", "done"),
                ("done_date", ">=", today - timedelta(days=DONE_DAYS)),
            ],
            order="done_date desc, id desc",
        )
        partner = request.env.user.partner_id
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "cae_calendar",
                "today": today,
                "week_end": today + timedelta(days=WEEK_DAYS),
                "late": todo.filtered(lambda d: d.due_date < today),
                "upcoming": todo.filtered(lambda d: d.due_date >= today),
                "done": done,
                "feed_url": partner._cae_calendar_feed_url(),
                "digest_frequency": partner.cae_digest_frequency or "weekly",
                "error": None,
                "message": None,
                # A confirmation or refusal of the settings (feed link, digest)
                # is shown inside their section, opened.
                "saved_in_settings": False,
            }
        )
        values.update(extra)
        values["webcal_url"] = values["feed_url"] and values["feed_url"].replace(
            "https://", "webcal://", 1
        ).replace("http://", "webcal://", 1)
        return values

    # Pages that only read are read-only routes: Odoo 18.0 serves them from a
    # PostgreSQL replica when one is configured (--db_replica_host).
    @http.route("/my/calendar", type="http", auth="user", website=True, readonly=True)
    def portal_my_calendar(self, **kw):
        messages = {
            "done": request.env._("Well done, one thing less to think about."),
            "token": request.env._(
                "Your calendar has a new link: the old one no longer works. "
                "Subscribe again with the link below."
            ),
            "digest": request.env._("Your choice of e-mail has been saved."),
        }
        saved = kw.get("saved")
        values = self._cae_calendar_values(
            message=messages.get(saved), saved_in_settings=saved in ("token", "digest")
        )
        return request.render("gestions_radieuses.portal_my_calendar", values)

    @http.route(
        "/my/calendar/<int:deadline_id>/done",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_calendar_done(self, deadline_id, **post):
        # Another entrepreneur's deadline answers like a missing one: 404.
        deadline_sudo = self._cae_check_access("cae.deadline", deadline_id)
        # As the entrepreneur: the model checks who may mark it done.
        deadline = request.env["cae.deadline"].browse(deadline_sudo.id)
        _result, error = self._cae_run(deadline.action_done)
        if error:
            values = self._cae_calendar_values(error=error)
            return request.render(
                "gestions_radieuses.portal_my_calendar", values, status=403
            )
        return request.redirect("/my/calendar?saved=done")

    @http.route(
        "/my/calendar/token",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_calendar_token(self, **post):
        request.env.user.partner_id.cae_renew_calendar_token()
        return request.redirect("/my/calendar?saved=token#settings")

    @http.route(
        "/my/calendar/digest",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_calendar_digest(self, frequency=None, **post):
        partner = request.env.user.partner_id
        _result, error = self._cae_run(
            lambda: partner.cae_set_digest_frequency(frequency)
        )
        if error:
            values = self._cae_calendar_values(error=error, saved_in_settings=True)
            return request.render(
                "gestions_radieuses.portal_my_calendar", values, status=400
            )
        return request.redirect("/my/calendar?saved=digest#settings")

    # ------------------------------------------------------------------
    # The iCalendar feed, for Google, Apple and Outlook calendars
    # ------------------------------------------------------------------
    @http.route(
        "/cae/calendar/<string:token>.ics",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        readonly=True,
    )
    def cae_calendar_feed(self, token, **kw):
        partner = self._cae_feed_partner(token)
        body = request.env["cae.deadline"]._feed_ical(partner)
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Disposition", 'inline; filename="deadlines.ics"'),
                ("Cache-Control", "private, max-age=3600"),
            ],
        )

    def _cae_feed_partner(self, token):
        """The partner whose token this is, or 404: wrong, revoked or malformed."""
        partner_id, _sep, secret = (token or "").partition("-")
        partner_id = typed_id(partner_id)
        # consteq compares ASCII text only: anything else is no token of ours.
        if not partner_id or not secret or not secret.isascii():
            raise NotFound()
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if (
            not partner
            or not partner.active
            or not partner.cae_calendar_token
            or not consteq(partner.cae_calendar_token, secret)
        ):
            raise NotFound()
        return partner
