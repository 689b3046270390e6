"""One CAE day: business dates follow the company's time zone, whoever acts.

At 23:30 UTC on 30 November it is already 1 December in Paris: an entrepreneur's new
expense belongs to December's report, whatever their own time zone (none, Paris,
Los Angeles). The same at the turn of the year and, in summer time, at 22:30 UTC.
"""

import base64
from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import PDF_BYTES
from .expense_common import CaeExpenseCommon

# (UTC clock, the CAE's day in Paris and in La Réunion).
NIGHTS = [
    ("2026-11-30 23:30:00", date(2026, 12, 1)),
    ("2026-12-31 23:30:00", date(2027, 1, 1)),
    ("2027-06-30 22:30:00", date(2027, 7, 1)),
]
# Users' own time zones: none (UTC), the CAE's, one where it is still yesterday.
USER_TZS = [False, "Europe/Paris", "America/Los_Angeles"]


@tagged("post_install", "-at_install")
def no_auto_generation(env):
    """Rules created or edited without generating their deadlines at once."""
    Rule = type(env["cae.deadline.rule"])
    return patch.object(Rule, "_generate_deadlines", lambda *args, **kwargs: None)


class TestCaeDay(CaeExpenseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.cae_tz = "Europe/Paris"
        # Trips and lines of 2027 need a 2027 scale: the last shipped one stands in.
        Scale = cls.env["cae.mileage.scale"]
        for year in (2026, 2027):
            if not Scale.search_count([("year", "=", year)]):
                for scale in Scale.search([], order="year desc", limit=3):
                    scale.copy({"year": year})
        # The test generates the rule's deadlines itself, on the day it says.
        with no_auto_generation(cls.env):
            cls.rule = cls.env["cae.deadline.rule"].create(
                {
                    "name": "Night deadline",
                    "recurrence": "once",
                    "date_once": date(2026, 11, 30),
                    "reminder_days": 0,
                    "activity_domain": repr([("id", "=", cls.activity_a.id)]),
                }
            )

    def _as(self, record, user, tz):
        """The record as ``user`` whose own time zone is ``tz`` (False: none)."""
        user.tz = tz
        return record.with_user(user).with_context(tz=tz)

    def _nights(self):
        """(clock, CAE day, user time zone) for every night and user time zone."""
        return [(clock, day, tz) for clock, day in NIGHTS for tz in USER_TZS]

    @contextmanager
    def _at(self, clock, tz):
        """A sub-test at this clock, rolled back at its end."""
        with (
            self.subTest(clock=clock, tz=tz),
            freeze_time(clock),
            self.env.cr.savepoint() as savepoint,
        ):
            try:
                yield
            finally:
                savepoint.rollback()
                self.env.invalidate_all()

    def test_expense_date_and_month(self):
        for clock, day, tz in self._nights():
            with self._at(clock, tz):
                Line = self._as(self.Line, self.entrepreneur_a, tz)
                self.assertEqual(Line.default_get(["date"])["date"], day)
                line = Line.portal_add_expense(
                    self.activity_a.id, self.cat_supplies.id, amount_total=12.0
                )
                # 1 December in Paris: December's report, not November's.
                self.assertEqual(line.date, day)
                self.assertEqual(line.report_id.date, day.replace(day=1))
                # The CAE's today is not "in the future" for anyone.
                staff_line = self._as(self.Line, self.accountant, tz).create(
                    {
                        "activity_id": self.activity_b.id,
                        "category_id": self.cat_supplies.id,
                        "amount_total": 8.0,
                        "date": day,
                    }
                )
                self.assertEqual(staff_line.report_id.date, day.replace(day=1))
                self.assertFalse(line.is_old)

    def test_deadline_late(self):
        for clock, day, tz in self._nights():
            with self._at(clock, tz), no_auto_generation(self.env):
                Deadline = self.env["cae.deadline"]
                self.rule.date_once = day - timedelta(days=1)
                Deadline._generate(rules=self.rule, today=day - timedelta(days=10))
                yesterday = Deadline.search([("rule_id", "=", self.rule.id)])
                self.assertEqual(len(yesterday), 1)
                for user in (self.entrepreneur_a, self.advisor):
                    mine = self._as(yesterday, user, tz)
                    mine.invalidate_recordset(["is_late"])
                    self.assertTrue(mine.is_late)
                    self.assertEqual(
                        mine.search([("id", "=", mine.id), ("is_late", "=", True)]),
                        mine,
                    )
                # Due on the CAE's today: not late, for anyone.
                self.rule.date_once = day
                Deadline._generate(rules=self.rule, today=day - timedelta(days=10))
                today = Deadline.search(
                    [("rule_id", "=", self.rule.id), ("due_date", "=", day)]
                )
                self.assertFalse(self._as(today, self.advisor, tz).is_late)
                # Done today, by the CAE's day.
                self._as(today, self.entrepreneur_a, tz).action_done()
                self.assertEqual(today.done_date, day)

    def test_stage_dates(self):
        for clock, day, tz in self._nights():
            with self._at(clock, tz):
                Activity = self._as(self.env["cae.activity"], self.advisor, tz)
                activity = Activity.create(
                    {"name": "Night owl", "entrepreneur_id": self.partner_b.id}
                )
                self.assertEqual(activity.stage_date, day)
                # The next stage, the same night: not "before the previous stage".
                activity.write({"stage": "cape"})
                self.assertEqual(activity.stage_date, day)
                self.assertEqual(
                    activity.stage_history_ids.sorted("id").mapped("date_start"),
                    [day, day],
                )

    def test_document_status_and_accompaniment(self):
        for clock, day, tz in self._nights():
            with self._at(clock, tz):
                Document = self._as(self.env["cae.activity.document"], self.advisor, tz)
                expired, expiring = Document.create(
                    [
                        {
                            "activity_id": self.activity_a.id,
                            "type_id": self.type_insurance.id,
                            "file": base64.b64encode(PDF_BYTES),
                            "file_name": "insurance.pdf",
                            "date_until": until,
                        }
                        for until in (day - timedelta(days=1), day)
                    ]
                )
                self.assertEqual(expired.status, "expired")
                self.assertEqual(expiring.status, "expiring")
                Accompaniment = self._as(
                    self.env["cae.accompaniment"], self.advisor, tz
                )
                self.assertEqual(Accompaniment.default_get(["date"])["date"], day)

    def test_wizard_defaults(self):
        # No approved report waits for the export (else it proposes their months,
        # issue 9): the demo's are out of the way.
        self.env["cae.expense.report"].sudo().search([("exported", "=", False)]).write(
            {"exported": True}
        )
        for clock, day, tz in self._nights():
            with self._at(clock, tz):
                previous_month = (day.replace(day=1) - timedelta(days=1)).replace(day=1)

                def defaults(model, fields, tz=tz):
                    return self._as(self.env[model], self.accountant, tz).default_get(
                        fields
                    )

                self.assertEqual(
                    defaults("cae.expense.payment.wizard", ["payment_date"])[
                        "payment_date"
                    ],
                    day,
                )
                export = defaults("cae.expense.export.wizard", ["date_from", "date_to"])
                self.assertEqual(export["date_from"], previous_month)
                self.assertEqual(export["date_to"], previous_month)
                # December: this year's regularisation; else last year's.
                self.assertEqual(
                    defaults("cae.mileage.regularisation.wizard", ["year"])["year"],
                    day.year if day.month == 12 else day.year - 1,
                )

    def test_digest(self):
        self.partner_a.email = "a@example.com"
        for clock, day, tz in self._nights():
            with self._at(clock, tz):
                self.rule.date_once = day - timedelta(days=1)
                Deadline = self.env["cae.deadline"].with_context(tz=tz)
                Deadline._generate(rules=self.rule, today=day - timedelta(days=10))
                self.partner_a.cae_digest_last_sent = False
                Deadline._cron_send_digests()
                self.assertEqual(self.partner_a.cae_digest_last_sent, day)

    def test_reunion_cae(self):
        """A CAE in La Réunion (UTC+4): its day starts four hours before UTC's,
        three (two in summer) before Paris's."""
        reunion = self.env["res.company"].create(
            {"name": "CAE de La Réunion", "cae_tz": "Indian/Reunion"}
        )
        creole = new_test_user(
            self.env,
            "cae_reunion_manager",
            groups="gestions_radieuses.group_manager",
            company_id=reunion.id,
            company_ids=[(6, 0, reunion.ids)],
        )
        entrepreneur = self.env["res.partner"].create({"name": "Entrepreneur 974"})
        for clock, paris_day, reunion_day in [
            ("2027-03-25 20:30:00", date(2027, 3, 25), date(2027, 3, 26)),
            *((clock, day, day) for clock, day in NIGHTS),
        ]:
            with self.subTest(clock=clock), freeze_time(clock):
                self.assertEqual(self.company._cae_today(), paris_day)
                self.assertEqual(reunion._cae_today(), reunion_day)
                for tz in USER_TZS:
                    activity = self._as(self.env["cae.activity"], creole, tz).create(
                        {
                            "name": f"Ti kaz {clock} {tz}",
                            "entrepreneur_id": entrepreneur.id,
                        }
                    )
                    self.assertEqual(activity.company_id, reunion)
                    self.assertEqual(activity.stage_date, reunion_day)
                    line = self._as(self.Line, creole, tz).create(
                        {
                            "activity_id": activity.id,
                            "category_id": self.cat_supplies.id,
                            "amount_total": 5.0,
                        }
                    )
                    self.assertEqual(line.date, reunion_day)
                    self.assertEqual(line.report_id.date, reunion_day.replace(day=1))

    def test_manual_report_on_its_company_day(self):
        """A report made by hand is judged on its activity's company's day, not on
        the day of the company the staff member is working in."""
        reunion = self.env["res.company"].create(
            {"name": "CAE de La Réunion", "cae_tz": "Indian/Reunion"}
        )
        manager = new_test_user(
            self.env,
            "cae_two_companies_manager",
            groups="gestions_radieuses.group_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, (self.company | reunion).ids)],
        )
        activity = self.env["cae.activity"].create(
            {
                "name": "Ti kaz",
                "entrepreneur_id": self.env["res.partner"].create({"name": "E"}).id,
                "company_id": reunion.id,
            }
        )
        Report = self.env["cae.expense.report"].with_user(manager)
        Report = Report.with_context(allowed_company_ids=[self.company.id, reunion.id])
        # 1 April 01:30 in La Réunion, still 31 March in Paris (summer time).
        with freeze_time("2027-03-31 21:30:00"):
            self.assertEqual(Report.env.company, self.company)
            report = Report.create({"activity_id": activity.id, "date": "2027-04-01"})
            self.assertEqual(report.date, date(2027, 4, 1))
            # Paris's April has not begun: refused for a Paris activity.
            with self.assertRaises(UserError):
                Report.create({"activity_id": self.activity_a.id, "date": "2027-04-01"})


@tagged("post_install", "-at_install")
class TestCaeCalendar(CaeExpenseCommon):
    """Working days of each CAE: Strasbourg (Alsace) against Paris."""

    def test_strasbourg_against_paris(self):
        strasbourg = self.env["res.company"].create(
            {"name": "CAE de Strasbourg", "cae_holiday_subdivision": "6AE"}
        )
        Rule = self.env["cae.deadline.rule"].with_context(
            cae_deadline_no_generation=True
        )
        rules = {
            company: Rule.create(
                {
                    "name": "Quarterly check",
                    "company_id": company.id,
                    "recurrence": "once",
                    "date_once": date(2027, 3, 26),
                    "shift_working_day": True,
                }
            )
            for company in (self.company, strasbourg)
        }
        self.assertIsNone(self.company._cae_holiday_subdivision())
        self.assertEqual(strasbourg._cae_holiday_subdivision(), "6AE")
        today = date(2027, 3, 1)
        # Good Friday, 26 March 2027: a working day in Paris; in Strasbourg the
        # deadline moves past Easter Monday, to Tuesday the 30th.
        self.assertEqual(rules[self.company]._periods(today)[0][2], date(2027, 3, 26))
        self.assertEqual(rules[strasbourg]._periods(today)[0][2], date(2027, 3, 30))
        # 26 December 2027 is a Sunday: Monday 27th in both.
        for rule in rules.values():
            rule.date_once = date(2027, 12, 26)
            self.assertEqual(rule._periods(today)[0][2], date(2027, 12, 27))
        # 26 December 2028, a Tuesday: a holiday in Strasbourg only.
        today = date(2028, 12, 1)
        for rule in rules.values():
            rule.date_once = date(2028, 12, 26)
        self.assertEqual(rules[self.company]._periods(today)[0][2], date(2028, 12, 26))
        self.assertEqual(rules[strasbourg]._periods(today)[0][2], date(2028, 12, 27))
