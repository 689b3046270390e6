"""Query budgets of the operations `make bench` measures (issue 5) and that the
calendar and expense tests do not already hold: the portal's My expenses and My
calendar, the iCalendar feed, the idempotent re-run of deadline generation and the
accounting export. (Cold generation, batch approval and the monthly report page have
their budgets in test_deadline_generation, test_expense_workflow and
test_expense_portal.)

Each budget is checked twice: with ``assertQueryCount`` for a user with little data
and for one with several times more (``@users`` runs the test for each, ``@warmup``
once to fill the caches, then counting), and by counting the same operation before
and after its records grow, so that a query per record fails even under the budget.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import HttpCase, tagged, users, warmup

from .expense_common import CaeExpenseCommon

# Extra activities, months of expenses and lines per month of the "big" entrepreneur.
BIG_ACTIVITIES = 3
BIG_MONTHS = 4
BIG_LINES = 6
# Budgets must not depend on the day they run: every budget test runs on this
# (mid-month, midday) clock. test_generation_rerun_same_any_day shows why.
FROZEN_NOW = "2027-03-16 10:00:00"


@tagged("post_install", "-at_install")
class TestPerformancePortal(CaeExpenseCommon, HttpCase):
    """Entrepreneur A has one activity and one expense; B has four activities, a few
    months of expenses and four times the deadlines. Their pages cost the same."""

    freeze_time = FROZEN_NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.today
        cls.big_activities = cls.env["cae.activity"].create(
            [
                {
                    "name": f"Big activity {n}",
                    "entrepreneur_id": cls.partner_b.id,
                    "advisor_id": cls.advisor.id,
                    "stage": "salaried",
                    "vehicle_type": "car",
                    "vehicle_fiscal_power": 4,
                }
                for n in range(BIG_ACTIVITIES)
            ]
        )
        cls.activity_b.stage = "salaried"
        cls._line(amount_total=12.0)
        cls.Line.create(
            [
                {
                    "activity_id": activity.id,
                    "category_id": cls.cat_supplies.id,
                    "amount_total": 10.0 + n,
                    "date": today.replace(day=1) - relativedelta(months=month),
                }
                for activity in cls.activity_b | cls.big_activities
                for month in range(BIG_MONTHS)
                for n in range(BIG_LINES)
            ]
        )
        cls.env["cae.deadline"]._generate(
            activities=cls.activity_a | cls.activity_b | cls.big_activities
        )
        cls.feed_paths = {
            user.login: f"/cae/calendar/{user.partner_id.id}-"
            f"{user.partner_id._cae_calendar_token()}.ics"
            for user in (cls.entrepreneur_a, cls.entrepreneur_b)
        }

    def _deadline_count(self, partner):
        return (
            self.env["cae.deadline"]
            .sudo()
            .search_count([("activity_id.member_partner_ids", "in", partner.ids)])
        )

    def _report_count(self, partner):
        return (
            self.env["cae.expense.report"]
            .sudo()
            .search_count([("entrepreneur_id", "=", partner.id)])
        )

    def _request_queries(self, login, url):
        """Queries of one request, after two to warm the server's caches up."""
        self.authenticate(login, login)
        for _warm in range(2):
            self.assertEqual(self.url_open(url).status_code, 200)
        self.env.flush_all()
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def _grow_b(self):
        """Two more activities for B, and four more months of expenses on each."""
        more = self.env["cae.activity"].create(
            [
                {
                    "name": f"Bigger activity {n}",
                    "entrepreneur_id": self.partner_b.id,
                    "advisor_id": self.advisor.id,
                    "stage": "associate",
                }
                for n in range(2)
            ]
        )
        self.Line.create(
            [
                {
                    "activity_id": activity.id,
                    "category_id": self.cat_receptions.id,
                    "amount_total": 30.0 + n,
                    "date": self.today.replace(day=1) - relativedelta(months=month),
                }
                for activity in self.activity_b | self.big_activities | more
                for month in range(BIG_MONTHS, 2 * BIG_MONTHS)
                for n in range(BIG_LINES)
            ]
        )
        self.env["cae.deadline"]._generate(activities=more)

    def test_pages_do_not_grow_with_records(self):
        """B's pages cost the same before and after B's records double."""
        login = self.entrepreneur_b.login
        urls = ("/my/expenses", "/my/calendar", self.feed_paths[login])
        before = {url: self._request_queries(login, url) for url in urls}
        reports, deadlines = (
            self._report_count(self.partner_b),
            self._deadline_count(self.partner_b),
        )
        self._grow_b()
        self.assertGreaterEqual(self._report_count(self.partner_b), 2 * reports)
        self.assertGreater(self._deadline_count(self.partner_b), deadlines)
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(
                    self._request_queries(login, url),
                    before[url],
                    f"{url}: the number of queries grows with the records",
                )

    def test_fixture_sizes(self):
        """B has several times A's records, so that one budget for both means
        something."""
        self.assertGreaterEqual(
            self._report_count(self.partner_b), 4 * self._report_count(self.partner_a)
        )
        self.assertGreaterEqual(
            self._deadline_count(self.partner_b),
            3 * self._deadline_count(self.partner_a),
        )

    @users("cae_entrepreneur_a", "cae_entrepreneur_b")
    @warmup
    def test_my_expenses_budget(self):
        self.authenticate(self.env.user.login, self.env.user.login)
        with self.assertQueryCount(cae_entrepreneur_a=24, cae_entrepreneur_b=27):
            self.assertEqual(self.url_open("/my/expenses").status_code, 200)

    @users("cae_entrepreneur_a", "cae_entrepreneur_b")
    @warmup
    def test_my_calendar_budget(self):
        self.authenticate(self.env.user.login, self.env.user.login)
        with self.assertQueryCount(cae_entrepreneur_a=16, cae_entrepreneur_b=17):
            self.assertEqual(self.url_open("/my/calendar").status_code, 200)

    @users("cae_entrepreneur_a", "cae_entrepreneur_b")
    @warmup
    def test_feed_budget(self):
        self.authenticate(None, None)
        # 11: the CAE's day of the feed reads the company's time zone (issue 8).
        with self.assertQueryCount(cae_entrepreneur_a=11, cae_entrepreneur_b=11):
            response = self.url_open(self.feed_paths[self.env.user.login])
            self.assertEqual(response.status_code, 200)
            self.assertIn(b"BEGIN:VEVENT", response.content)


@tagged("post_install", "-at_install")
class TestPerformanceBatch(CaeExpenseCommon):
    """Re-running deadline generation and exporting a month cost the same number of
    queries for one activity or for many."""

    freeze_time = FROZEN_NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.many = cls.env["cae.activity"].create(
            [
                {
                    "name": f"Network activity {n}",
                    "entrepreneur_id": cls.partner_b.id,
                    "advisor_id": cls.advisor.id,
                    "stage": "salaried",
                    "vehicle_type": "car",
                    "vehicle_fiscal_power": 5,
                }
                for n in range(12)
            ]
        )
        # One report three months ago, one two months ago, twelve last month.
        current = cls.today.replace(day=1)
        cls.months = [current - relativedelta(months=n) for n in (3, 2, 1)]
        categories = (cls.cat_supplies, cls.cat_receptions, cls.cat_documentation) * 2
        lines = cls.Line.create(
            [
                {
                    "activity_id": activity.id,
                    "category_id": category.id,
                    "amount_total": 20.0 + n,
                    "date": month + relativedelta(days=n),
                }
                for month, activities in zip(
                    cls.months, (cls.many[:1], cls.many[1:2], cls.many), strict=True
                )
                for activity in activities
                for n, category in enumerate(categories)
            ]
        )
        cls.reports = lines.report_id
        cls.reports.action_submit()
        cls.reports.action_approve()

    def _generation_rerun_queries(self, activities):
        Deadline = self.env["cae.deadline"]
        Deadline._generate(activities=activities)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        counts = Deadline._generate(activities=activities)
        self.assertEqual(counts, {"created": 0, "moved": 0, "cancelled": 0})
        return self.cr.sql_log_count - before

    def test_generation_rerun_does_not_grow(self):
        self._generation_rerun_queries(self.many[:1])  # warms the caches up
        few = self._generation_rerun_queries(self.many[:1])
        many = self._generation_rerun_queries(self.many)
        self.assertEqual(few, many)

    def test_generation_rerun_same_any_day(self):
        """A deadline already done but still ahead (last month's expense report,
        submitted before the 5th) used to be inserted again by every re-run (a
        no-op INSERT): one query more in the first days of each month."""
        Deadline = self.env["cae.deadline"].sudo()
        with freeze_time("2027-03-02 10:00:00"):
            Deadline._generate(activities=self.many)
            ahead = Deadline.search(
                [
                    ("activity_id", "in", self.many.ids),
                    ("state", "=", "todo"),
                    ("due_date", ">=", date(2027, 3, 2)),
                    ("due_date", "<=", date(2027, 3, 10)),
                ]
            )
            self.assertTrue(ahead)
            ahead.action_done()
            self._generation_rerun_queries(self.many)  # warms the caches up
            early = self._generation_rerun_queries(self.many)
        with freeze_time("2027-03-20 10:00:00"):
            self._generation_rerun_queries(self.many)
            mid_month = self._generation_rerun_queries(self.many)
        self.assertEqual(early, mid_month)

    @users("cae_manager")
    @warmup
    def test_generation_rerun_budget(self):
        Deadline = self.env["cae.deadline"].sudo()
        Deadline._generate(activities=self.many)
        with self.assertQueryCount(cae_manager=20):
            counts = Deadline._generate(activities=self.many)
        self.assertEqual(counts["created"], 0)

    def _export_queries(self, month):
        wizard = (
            self.env["cae.expense.export.wizard"]
            .with_user(self.accountant)
            .create({"date_from": month, "date_to": month})
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        wizard.action_export()
        self.env.flush_all()
        self.assertTrue(wizard.export_file)
        return self.cr.sql_log_count - before

    def test_export_does_not_grow(self):
        self._export_queries(self.months[0])  # warms the caches up
        one_report = self._export_queries(self.months[1])
        twelve_reports = self._export_queries(self.months[2])
        self.assertEqual(one_report, twelve_reports)

    @users("cae_accountant")
    @warmup
    def test_export_budget(self):
        month = self.months[2]
        wizard = self.env["cae.expense.export.wizard"].create(
            {"date_from": month, "date_to": month}
        )
        self.assertEqual(wizard.report_count, len(self.many))
        with self.assertQueryCount(cae_accountant=12):
            wizard.action_export()
        exported = self.reports.filtered(lambda report: report.date == month)
        self.assertTrue(all(exported.mapped("exported")))
