from datetime import timedelta

import icalendar

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import CaeHttpMixin
from .common_calendar import CaeCalendarCommon


@tagged("post_install", "-at_install")
class TestCalendarPortal(CaeCalendarCommon, CaeHttpMixin, HttpCase):
    """The portal page, marking done over HTTP, the feed and its token."""

    # Over HTTP (and in the browser) the real clock runs: the CAE's today.
    freeze_time = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.env.company._cae_today()
        cls.rule_once = cls.create_rule(
            {
                "name": "Tour deadline",
                "recurrence": "once",
                "date_once": cls.today + timedelta(days=10),
                "explanation": "<p>Keep every receipt in the envelope.</p>",
            }
        )
        cls.Deadline._generate(rules=cls.test_rules | cls.rule_once, today=cls.today)
        cls.deadline_a = cls.deadlines(cls.rule_once, cls.activity_a)
        cls.deadline_b = cls.deadlines(cls.rule_once, cls.activity_b)
        cls.staff_deadline_a = cls.deadlines(cls.rule_staff, cls.activity_a)[0]

    def test_page_shows_only_mine(self):
        self._login(self.entrepreneur_a)
        response = self.url_open("/my/calendar")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tour deadline", response.text)
        self.assertIn("Keep every receipt", response.text)
        self.assertIn(f"/my/calendar/{self.deadline_a.id}/done", response.text)
        self.assertNotIn(f"/my/calendar/{self.deadline_b.id}/done", response.text)
        self.assertNotIn(f"/my/calendar/{self.staff_deadline_a.id}/done", response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["cae_deadline_count"]}
        )
        expected = self.Deadline.with_user(self.entrepreneur_a).search_count(
            [("state", "=", "todo"), ("due_date", "<=", self.today + timedelta(14))]
        )
        self.assertEqual(counters["cae_deadline_count"], expected)
        self.assertGreaterEqual(expected, 1)

    def test_mark_done(self):
        self._login(self.entrepreneur_a)
        # Another entrepreneur's deadline: as if it did not exist.
        response = self._post(f"/my/calendar/{self.deadline_b.id}/done")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.deadline_b.state, "todo")
        # The support team's: refused with an explanation.
        response = self._post(f"/my/calendar/{self.staff_deadline_a.id}/done")
        self.assertEqual(response.status_code, 403)
        self.assertIn("support team", response.text)
        self.assertEqual(self.staff_deadline_a.state, "todo")
        # Without the CSRF token: refused.
        with mute_logger("odoo.http"):
            response = self._post(f"/my/calendar/{self.deadline_a.id}/done", csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.deadline_a.state, "todo")
        response = self._post(f"/my/calendar/{self.deadline_a.id}/done")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.deadline_a.state, "done")
        self.assertEqual(self.deadline_a.done_by_id, self.entrepreneur_a)
        # Twice: a clear refusal, nothing changes.
        response = self._post(f"/my/calendar/{self.deadline_a.id}/done")
        self.assertEqual(response.status_code, 403)

    def test_digest_frequency(self):
        self._login(self.entrepreneur_a)
        response = self._post("/my/calendar/digest", {"frequency": "daily"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.partner_a.cae_digest_frequency, "daily")
        response = self._post("/my/calendar/digest", {"frequency": "hourly"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.partner_a.cae_digest_frequency, "daily")

    def test_page_order_and_settings(self):
        """Late first, then this week, then the feed and digest in one section
        that opens with its confirmation after saving."""
        self.deadline_a.due_date = self.today - timedelta(days=3)
        soon = self.create_rule(
            {
                "name": "Soon deadline",
                "recurrence": "once",
                "date_once": self.today + timedelta(days=2),
            }
        )
        self.Deadline._generate(rules=soon, today=self.today)
        self._login(self.entrepreneur_a)
        html = self.url_open("/my/calendar").text
        late, week, settings = (
            html.index('id="late"'),
            html.index('id="this_week"'),
            html.index('id="settings"'),
        )
        self.assertLess(late, week)
        self.assertLess(week, settings)
        self.assertLess(html.index("Tour deadline"), week)
        self.assertLess(week, html.index("Soon deadline"))
        self.assertLess(html.index("Soon deadline"), settings)
        self.assertIn("Late since", html)
        self.assertNotIn("Was due", html)
        # Closed: no confirmation in it.
        self.assertNotRegex(html, r'<details id="settings"[^>]*open')
        response = self._post("/my/calendar/digest", {"frequency": "never"})
        self.assertTrue(response.headers["Location"].endswith("#settings"))
        html = self.url_open(response.headers["Location"]).text
        self.assertRegex(html, r'<details id="settings"[^>]*open')
        saved = html.index("o_cae_settings_saved")
        self.assertLess(html.index('id="settings"'), saved)
        self.assertLess(saved, html.index('id="digest"'))

    def test_no_done_button_on_deadlines_that_close_themselves(self):
        """A deadline closed by an event of the module (here: the expense report
        sent) says so instead of offering "It's done"."""
        self.generate()
        monthly = self.deadlines(self.rule_monthly, self.activity_a, state="todo")
        self.assertTrue(monthly)
        self.assertEqual(monthly[0].closing_event, "expense_report_submitted")
        self._login(self.entrepreneur_a)
        html = self.url_open("/my/calendar").text
        for deadline in monthly.filtered(
            lambda d: d.due_date <= self.today + timedelta(days=90)
        ):
            self.assertNotIn(f"/my/calendar/{deadline.id}/done", html)
        self.assertIn("Closes by itself when you send", html)
        # The hand-closed one keeps its button.
        self.assertIn(f"/my/calendar/{self.deadline_a.id}/done", html)

    def feed(self, url):
        return self.url_open(url.replace(self.base_url(), ""))

    def test_feed(self):
        url = self.partner_a._cae_calendar_feed_url()
        self.assertTrue(url.endswith(".ics"))
        response = self.feed(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/calendar"))
        calendar = icalendar.Calendar.from_ical(response.content)
        events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
        mine = self.Deadline.search(
            [("activity_id", "=", self.activity_a.id), ("state", "=", "todo")]
        )
        self.assertEqual(len(events), len(mine))
        self.assertEqual(len(set(events)), len(events))
        tour = next(e for e in events.values() if str(e["summary"]) == "Tour deadline")
        self.assertEqual(tour.decoded("dtstart"), self.deadline_a.due_date)
        self.assertIn("Keep every receipt", str(tour["description"]))
        self.assertNotIn("Activity B", response.text)

        # Deadlines deleted and generated again keep their UID.
        rules = self.test_rules | self.rule_once
        ours = self.Deadline.search(
            [("activity_id", "=", self.activity_a.id), ("rule_id", "in", rules.ids)]
        )
        uids = {
            uid
            for uid, event in events.items()
            if str(event["summary"]).startswith(("Tour", "Test"))
        }
        self.assertEqual(len(uids), len(ours))
        ours.unlink()
        self.Deadline._generate(rules=rules, today=self.today)
        again = icalendar.Calendar.from_ical(self.feed(url).content)
        self.assertLessEqual(uids, {str(e["uid"]) for e in again.walk("VEVENT")})

    def test_feed_wrong_or_revoked_token(self):
        url = self.partner_a._cae_calendar_feed_url()
        token = url.split("/cae/calendar/")[1][: -len(".ics")]
        secret = token.split("-", 1)[1]
        for wrong in (
            f"{self.partner_a.id}-{secret[:-2]}xx",
            f"{self.partner_b.id}-{secret}",
            f"{self.partner_a.id}-",
            "nothing",
            f"999999999-{secret}",
            # Outside test (issue 9): not ASCII, answered 500 (consteq).
            f"{self.partner_a.id}-é",
            f"{self.partner_a.id}-{secret[:-1]}é",
        ):
            with self.subTest(token=wrong):
                response = self.url_open(f"/cae/calendar/{wrong}.ics")
                self.assertEqual(response.status_code, 404)
        # A new link from the portal: the old one stops working.
        self._login(self.entrepreneur_a)
        response = self._post("/my/calendar/token")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.feed(url).status_code, 404)
        new_url = self.partner_a._cae_calendar_feed_url()
        self.assertNotEqual(new_url, url)
        self.assertEqual(self.feed(new_url).status_code, 200)
        # Without the CSRF token, no new link.
        with mute_logger("odoo.http"):
            response = self._post("/my/calendar/token", csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.partner_a._cae_calendar_feed_url(), new_url)

    def test_tour(self):
        self.start_tour("/my", "cae_calendar_tour", login="cae_entrepreneur_a")
        self.assertEqual(self.deadline_a.state, "done")
        self.assertEqual(self.deadline_a.done_by_id, self.entrepreneur_a)
