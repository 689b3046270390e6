"""The iCalendar feed of an entrepreneur's deadlines, for Google, Apple and Outlook
calendars (the route /cae/calendar/<token>.ics only checks the token)."""

from datetime import datetime, time, timedelta, timezone

import icalendar

from odoo import api, fields, models
from odoo.tools import html2plaintext

# Done deadlines stay listed (on the portal page and in the feed) this many days.
DONE_DAYS = 60
# How often calendar apps are asked to fetch the feed again.
FEED_REFRESH = timedelta(hours=6)


class CaeDeadline(models.Model):
    # One concern per file, as account splits its models.
    _inherit = "cae.deadline"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _feed_deadlines(self, partner):
        """What ``partner``'s feed shows: the to-do deadlines of the activities they
        run, and those done in the last DONE_DAYS days. Read as superuser: the feed
        has no session, the token stands for the partner."""
        # Done ones stay DONE_DAYS after their CAE's day: a day of margin in the
        # search (time zones), the exact cut with each deadline's company below.
        done_since = fields.Datetime.now().date() - timedelta(days=DONE_DAYS + 1)
        member = self.env["cae.activity"]._cae_member_domain(partner, "activity_id.")
        deadlines = self.sudo().search(
            [
                *member,
                ("activity_id.active", "=", True),
                "|",
                ("state", "=", "todo"),
                "&",
                ("state", "=", "done"),
                ("done_date", ">=", done_since),
            ]
        )
        return deadlines.filtered(
            lambda d: (
                d.state == "todo"
                or d.done_date >= d.company_id._cae_today() - timedelta(days=DONE_DAYS)
            )
        )

    @api.model
    def _feed_ical(self, partner):
        """The iCalendar file (bytes) of ``partner``'s deadlines, in their language."""
        Deadline = self.with_context(lang=partner.lang or "en_US")
        deadlines = Deadline._feed_deadlines(partner)
        return Deadline._feed_calendar(partner, deadlines).to_ical()

    @api.model
    def _feed_calendar(self, partner, deadlines):
        env = self.env
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
