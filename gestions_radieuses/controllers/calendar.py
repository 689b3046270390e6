from datetime import datetime, time, timedelta, timezone

import icalendar
from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import consteq, html2plaintext

from .portal import CaePortal

# The portal page shows what is late and what is due within this many days.
UPCOMING_DAYS = 90
# The home tile counts what is late and what is due within this many days.
TILE_DAYS = 14
# Done deadlines stay listed (and in the feed) for this many days.
DONE_DAYS = 60
FEED_REFRESH = timedelta(hours=6)


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
                "late": todo.filtered(lambda d: d.due_date < today),
                "upcoming": todo.filtered(lambda d: d.due_date >= today),
                "done": done,
                "feed_url": partner._cae_calendar_feed_url(),
                "digest_frequency": partner.cae_digest_frequency or "weekly",
                "error": None,
                "message": None,
            }
        )
        values.update(extra)
        values["webcal_url"] = values["feed_url"].replace("https://", "webcal://", 1)
        values["webcal_url"] = values["webcal_url"].replace("http://", "webcal://", 1)
        return values

    @http.route("/my/calendar", type="http", auth="user", website=True)
    def portal_my_calendar(self, **kw):
        messages = {
            "done": request.env._("Well done, one thing less to think about."),
            "token": request.env._(
                "Your calendar has a new link: the old one no longer works. "
                "Subscribe again with the link below."
            ),
            "digest": request.env._("Your choice of e-mail has been saved."),
        }
        values = self._cae_calendar_values(message=messages.get(kw.get("saved")))
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
        error = None
        try:
            with request.env.cr.savepoint():
                # As the entrepreneur: the model checks who may mark it done.
                request.env["cae.deadline"].browse(deadline_sudo.id).action_done()
        except (AccessError, UserError) as exc:
            error = str(exc.args[0])
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
        return request.redirect("/my/calendar?saved=token#subscribe")

    @http.route(
        "/my/calendar/digest",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_calendar_digest(self, frequency=None, **post):
        try:
            with request.env.cr.savepoint():
                request.env.user.partner_id.cae_set_digest_frequency(frequency)
        except UserError as exc:
            values = self._cae_calendar_values(error=str(exc.args[0]))
            return request.render(
                "gestions_radieuses.portal_my_calendar", values, status=400
            )
        return request.redirect("/my/calendar?saved=digest#digest")

    # ------------------------------------------------------------------
    # The iCalendar feed, for Google, Apple and Outlook calendars
    # ------------------------------------------------------------------
    @http.route(
        "/cae/calendar/<string:token>.ics",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
    )
    def cae_calendar_feed(self, token, **kw):
        partner = self._cae_feed_partner(token)
        lang = partner.lang or "en_US"
        env = request.env(context=dict(request.env.context, lang=lang))
        # Done ones stay DONE_DAYS after their CAE's day: a day of margin in the
        # search (time zones), the exact cut with each deadline's company below.
        done_since = fields.Datetime.now().date() - timedelta(days=DONE_DAYS + 1)
        deadlines = (
            env["cae.deadline"]
            .sudo()
            .search(
                [
                    (
                        "activity_id.member_partner_ids",
                        "child_of",
                        partner.commercial_partner_id.ids,
                    ),
                    ("activity_id.active", "=", True),
                    "|",
                    ("state", "=", "todo"),
                    "&",
                    ("state", "=", "done"),
                    ("done_date", ">=", done_since),
                ]
            )
        )
        deadlines = deadlines.filtered(
            lambda d: (
                d.state == "todo"
                or d.done_date >= d.company_id._cae_today() - timedelta(days=DONE_DAYS)
            )
        )
        body = self._cae_feed_calendar(env, partner, deadlines).to_ical()
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
        if not partner_id.isdigit() or not secret:
            raise NotFound()
        partner = request.env["res.partner"].sudo().browse(int(partner_id)).exists()
        if (
            not partner
            or not partner.active
            or not partner.cae_calendar_token
            or not consteq(partner.cae_calendar_token, secret)
        ):
            raise NotFound()
        return partner

    def _cae_feed_calendar(self, env, partner, deadlines):
        base_url = partner.get_base_url()
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Gestions radieuses//CAE deadlines//FR")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        company = deadlines.company_id[:1] or partner.company_id or env.company
        name = env._("My deadlines — %(company)s", company=company.name)
        cal.add("x-wr-calname", name)
        cal.add("name", name)
        cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH))
        db_uuid = env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        host = base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        support = env._("Your support team takes care of it.")
        now = datetime.now(timezone.utc)
        for deadline in deadlines:
            event = icalendar.Event()
            # Built from the unique key, so it survives a deletion and regeneration.
            event.add(
                "uid",
                f"cae-deadline-{db_uuid[:8]}-{deadline.rule_id.id}-"
                f"{deadline.activity_id.id or 0}-"
                f"{deadline.period_start.isoformat()}@{host}",
            )
            summary = deadline.display_name
            if deadline.state == "done":
                summary = f"✓ {summary}"
            event.add("summary", summary)
            event.add("dtstart", deadline.due_date)
            event.add("dtend", deadline.due_date + timedelta(days=1))
            event.add("dtstamp", now)
            modified = deadline.write_date or datetime.combine(
                deadline.due_date, time()
            )
            event.add("last-modified", modified.replace(tzinfo=timezone.utc))
            # Plain text: calendar apps show the description as is (no *bold*).
            description = html2plaintext(deadline.explanation or "").replace("*", "")
            if deadline.actor == "staff":
                description = f"{support}\n\n{description}".strip()
            event.add("description", f"{description}\n\n{base_url}/my/calendar")
            event.add("url", f"{base_url}/my/calendar")
            event.add("transp", "TRANSPARENT")
            event.add("categories", [deadline.activity_id.name or ""])
            event.add("status", "CONFIRMED")
            if deadline.state == "todo" and deadline.rule_id.reminder_days > 0:
                alarm = icalendar.Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", summary)
                alarm.add("trigger", -timedelta(days=deadline.rule_id.reminder_days))
                event.add_component(alarm)
            cal.add_component(event)
        return cal
