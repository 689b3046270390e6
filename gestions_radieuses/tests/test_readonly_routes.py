"""Pages that only read are read-only routes (issue 11, beyond one machine).

Odoo 18.0 serves a route declared ``readonly=True`` from a PostgreSQL replica when
``--db_replica_host`` is set; if the page writes anyway, Odoo rolls back, logs a
warning and serves it again from the primary. Tests run such routes on a cursor that
refuses writes, so a page that writes shows here as that warning.
"""

import base64

from odoo.tests import HttpCase, new_test_user, tagged

from .common import PNG_BYTES, CaeHttpMixin
from .expense_common import CaeExpenseCommon

# The module's routes that only read: GET pages, the feed, a receipt.
READONLY_ROUTES = {
    "/my/activities",
    "/my/activities/<int:activity_id>",
    "/my/expenses",
    "/my/expenses/<int:report_id>",
    "/my/expenses/receipts/<int:attachment_id>",
    "/my/calendar",
    "/cae/calendar/<string:token>.ics",
}


@tagged("post_install", "-at_install")
class TestReadonlyRoutes(CaeHttpMixin, HttpCase, CaeExpenseCommon):
    def _module_routes(self):
        routes = {}
        for rule in self.env["ir.http"].routing_map().iter_rules():
            endpoint = rule.endpoint
            if "gestions_radieuses" in endpoint.func.__module__:
                routes[rule.rule] = endpoint.routing
        return routes

    def test_declared_readonly(self):
        routes = self._module_routes()
        for path in READONLY_ROUTES:
            self.assertIn(path, routes)
            self.assertIs(routes[path].get("readonly"), True, path)
        # A route that takes a form (POST) is never read-only.
        for path, routing in routes.items():
            if "POST" in (routing.get("methods") or ()):
                self.assertFalse(routing.get("readonly"), path)

    def test_pages_do_not_write(self):
        token = self.partner_a.sudo().cae_calendar_token
        self.assertTrue(token, "joining an activity gives the feed token")
        line = self._line(user=self.entrepreneur_a)
        # The portal token is made with the record: the page of a month just
        # opened wrote it (the suite under faketime at year end caught it).
        self.assertTrue(line.report_id.access_token)
        self.assertTrue(self.activity_a.access_token)
        receipt = self.env["ir.attachment"].create(
            {
                "name": "ticket.png",
                "datas": base64.b64encode(PNG_BYTES),
                "res_model": "cae.expense.line",
                "res_id": line.id,
            }
        )
        self._login(self.entrepreneur_a)
        with self.assertNoLogs("odoo.http", level="WARNING"):
            for url in (
                "/my/activities",
                f"/my/activities/{self.activity_a.id}",
                "/my/expenses",
                f"/my/expenses/{line.report_id.id}",
                f"/my/expenses/receipts/{receipt.id}",
            ):
                self.assertEqual(self.url_open(url).status_code, 200, url)
            page = self.url_open("/my/calendar")
            feed = self.url_open(f"/cae/calendar/{self.partner_a.id}-{token}.ics")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"{self.partner_a.id}-{token}.ics", page.text)
        self.assertEqual(feed.status_code, 200)
        self.assertIn("BEGIN:VCALENDAR", feed.text)

    def test_token_given_with_membership(self):
        newcomer = new_test_user(
            self.env,
            "cae_newcomer",
            groups="base.group_portal",
            password="cae_newcomer",
        )
        partner = newcomer.partner_id
        self.assertFalse(partner.cae_calendar_token)
        # No activity: the page reads only, and offers no feed.
        self._login(newcomer)
        with self.assertNoLogs("odoo.http", level="WARNING"):
            page = self.url_open("/my/calendar")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("/cae/calendar/", page.text)
        self.assertFalse(partner.cae_calendar_token)
        # Becoming a co-entrepreneur gives one.
        self.activity_a.co_entrepreneur_ids = [(4, partner.id)]
        self.assertTrue(partner.cae_calendar_token)
