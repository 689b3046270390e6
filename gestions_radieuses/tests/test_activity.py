import base64
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PDF_BYTES, PNG_BYTES, CaeCommon


@tagged("post_install", "-at_install")
class TestActivity(CaeCommon):
    # ------------------------------------------------------------------
    # Stage history
    # ------------------------------------------------------------------
    def test_stage_history_follows_stage_changes(self):
        activity = self.env["cae.activity"].create(
            {
                "name": "Histoire",
                "entrepreneur_id": self.partner_a.id,
                "stage_date": date(2025, 1, 6),
            }
        )
        self.assertEqual(activity.stage_history_ids.mapped("stage"), ["candidate"])
        activity.write({"stage": "cape", "stage_date": date(2025, 3, 1)})
        activity.write({"stage": "salaried", "stage_date": date(2025, 9, 1)})
        history = activity.stage_history_ids.sorted("date_start")
        self.assertEqual(history.mapped("stage"), ["candidate", "cape", "salaried"])
        self.assertEqual(
            history.mapped("date_start"),
            [date(2025, 1, 6), date(2025, 3, 1), date(2025, 9, 1)],
        )
        # Writing the same stage again records nothing new.
        activity.write({"stage": "salaried"})
        self.assertEqual(len(activity.stage_history_ids), 3)
        self.assertEqual(activity.stage_date, date(2025, 9, 1))

    @freeze_time("2026-11-30 23:30:00")
    def test_stage_without_date_starts_today(self):
        """A new stage without a date starts on the CAE's day: 23:30 UTC on
        30 November is already 1 December in Paris, whatever the time zone (here
        none) of the advisor who records it."""
        self.activity_b.write({"stage_date": date(2026, 1, 15)})
        self.advisor.tz = False
        self.activity_b.with_user(self.advisor).write({"stage": "salaried"})
        self.assertEqual(self.activity_b.stage_date, date(2026, 12, 1))
        history = self.activity_b.stage_history_ids.sorted("id")
        self.assertEqual(
            [(h.stage, h.date_start) for h in history],
            [("cape", date(2026, 1, 15)), ("salaried", date(2026, 12, 1))],
        )

    def test_stage_date_before_previous_stage_is_refused(self):
        activity = self.env["cae.activity"].create(
            {
                "name": "Dates",
                "entrepreneur_id": self.partner_a.id,
                "stage_date": date(2025, 5, 1),
            }
        )
        with self.assertRaisesRegex(ValidationError, "before the previous stage"):
            activity.write({"stage": "cape", "stage_date": date(2025, 4, 1)})
        self.assertEqual(activity.stage, "candidate")
        self.assertEqual(len(activity.stage_history_ids), 1)

    def test_correcting_current_stage_date_corrects_history(self):
        activity = self.env["cae.activity"].create(
            {
                "name": "Correction",
                "entrepreneur_id": self.partner_a.id,
                "stage_date": date(2025, 1, 1),
            }
        )
        activity.write({"stage": "cape", "stage_date": date(2025, 6, 1)})
        activity.stage_date = date(2025, 5, 15)
        current = activity.stage_history_ids.sorted("date_start")[-1]
        self.assertEqual(
            (current.stage, current.date_start), ("cape", date(2025, 5, 15))
        )
        with self.assertRaises(ValidationError):
            activity.stage_date = date(2024, 12, 1)
        self.assertEqual(current.date_start, date(2025, 5, 15))

    @freeze_time("2026-11-30 23:30:00")
    def test_stage_onchange_in_form(self):
        self.activity_b.write({"stage_date": date(2026, 1, 15)})
        with Form(self.activity_b.with_user(self.advisor)) as form:
            self.assertEqual(str(form.stage_date), "2026-01-15")
            form.stage = "salaried"
            self.assertEqual(str(form.stage_date), "2026-12-01")
        self.assertEqual(self.activity_b.stage_date, date(2026, 12, 1))

    # ------------------------------------------------------------------
    # Other fields of the activity
    # ------------------------------------------------------------------
    def test_contribution_rate_range(self):
        for rate in (-1, 100.5):
            with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
                self.activity_a.contribution_rate = rate
        self.activity_a.contribution_rate = 100
        self.assertEqual(self.activity_a.contribution_rate, 100)

    def test_vehicle_needs_fiscal_power(self):
        with self.assertRaisesRegex(ValidationError, "fiscal power"):
            self.activity_b.write({"vehicle_type": "car", "vehicle_fiscal_power": 0})
        self.assertFalse(self.activity_b.vehicle_type)
        self.assertTrue(self.activity_a.has_vehicle)
        self.assertFalse(self.activity_b.has_vehicle)

    def test_analytic_account_created_or_kept(self):
        self.assertTrue(self.activity_a.reference.startswith("ACT-"))
        account = self.activity_a.analytic_account_id
        self.assertEqual(account.name, "Activity A")
        self.assertEqual(account.code, self.activity_a.reference)
        self.assertEqual(account.company_id, self.activity_a.company_id)
        self.assertEqual(
            account.plan_id, self.env.ref("gestions_radieuses.analytic_plan_activities")
        )
        self.assertNotEqual(account, self.activity_b.analytic_account_id)
        given = self.env["account.analytic.account"].create(
            {"name": "Existing", "plan_id": account.plan_id.id}
        )
        activity = self.env["cae.activity"].create(
            {
                "name": "Keeps",
                "entrepreneur_id": self.partner_a.id,
                "analytic_account_id": given.id,
            }
        )
        self.assertEqual(activity.analytic_account_id, given)

    def test_collective_activity_members(self):
        self.activity_a.co_entrepreneur_ids = self.partner_b
        self.assertEqual(
            self.activity_a.member_partner_ids, self.partner_a | self.partner_b
        )
        self.assertIn(self.activity_a, self.partner_b.cae_activity_ids)
        self.assertEqual(self.activity_a.entrepreneur_user_id, self.entrepreneur_a)

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------
    def _document(self, until, data=PDF_BYTES, **vals):
        return self.env["cae.activity.document"].create(
            {
                "activity_id": self.activity_a.id,
                "type_id": self.type_insurance.id,
                "date_until": until,
                "file": base64.b64encode(data) if data else False,
                "file_name": "attestation.pdf",
                **vals,
            }
        )

    @freeze_time("2026-03-10")
    def test_document_status_around_the_30_day_edge(self):
        today = date(2026, 3, 10)
        cases = {
            today + timedelta(days=31): "valid",
            today + timedelta(days=30): "expiring",
            today: "expiring",
            today - timedelta(days=1): "expired",
        }
        for until, status in cases.items():
            with self.subTest(until=until):
                self.assertEqual(self._document(until).status, status)
        contract = self._document(False, type_id=self.type_contract.id)
        self.assertEqual(contract.status, "valid")
        missing = self._document(today + timedelta(days=90), data=None)
        self.assertEqual(missing.status, "missing")

    def test_document_status_moves_with_time_through_the_cron(self):
        with freeze_time("2026-03-10"):
            document = self._document(date(2026, 4, 30))
            self.assertEqual(document.status, "valid")
        with freeze_time("2026-04-05"):
            self.env["cae.activity.document"]._cron_refresh_status()
            self.assertEqual(document.status, "expiring")
            self.assertEqual(self.activity_a.document_alert_count, 1)
            found = self.env["cae.activity"].search(
                [("document_ids.status", "in", ("expiring", "expired"))]
            )
            self.assertIn(self.activity_a, found)
        with freeze_time("2026-05-01"):
            self.env["cae.activity.document"]._cron_refresh_status()
            self.assertEqual(document.status, "expired")
        groups = self.env["cae.activity.document"]._read_group(
            [("activity_id", "=", self.activity_a.id)], ["status"], ["__count"]
        )
        self.assertEqual(groups, [("expired", 1)])

    def test_document_dates_must_be_in_order(self):
        with self.assertRaisesRegex(ValidationError, "before it is valid from"):
            self._document(date(2026, 1, 1), date_from=date(2026, 6, 1))
        self.assertFalse(self.activity_a.document_ids)

    def test_document_requires_expiry_when_type_expires(self):
        with self.assertRaisesRegex(ValidationError, "Enter the date until which"):
            self._document(False)

    def test_document_file_type_and_size_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "not of an accepted type"):
            self._document(date(2030, 1, 1), data=b"just some text, not a scan")
        self.env.company.cae_upload_max_size_mb = 1
        with self.assertRaisesRegex(ValidationError, "too large"):
            self._document(date(2030, 1, 1), data=PNG_BYTES + b"\0" * (1024 * 1024))
        self.assertFalse(self.activity_a.document_ids)
        self.assertEqual(
            self._document(date(2030, 1, 1), data=PNG_BYTES).status, "valid"
        )

    # ------------------------------------------------------------------
    # Accompaniment
    # ------------------------------------------------------------------
    def _interview(self, months_ago, kind="interview", done=True, activity=None):
        record = self.env["cae.accompaniment"].create(
            {
                "activity_id": (activity or self.activity_a).id,
                "kind": kind,
                "date": date.today() - relativedelta(months=months_ago),
                "advisor_id": self.advisor.id,
            }
        )
        if done:
            record.action_done()
        return record

    def test_interviews_counted_over_twelve_months(self):
        self.assertEqual(self.activity_a.interview_count_12m, 0)
        self.assertTrue(self.activity_a.interview_missing)
        self._interview(13)
        self._interview(6, kind="workshop")
        self._interview(2, done=False)
        self.assertEqual(self.activity_a.interview_count_12m, 0)
        self._interview(11)
        self.assertEqual(self.activity_a.interview_count_12m, 1)
        self.assertTrue(self.activity_a.interview_missing)
        self._interview(1)
        self.assertEqual(self.activity_a.interview_count_12m, 2)
        self.assertFalse(self.activity_a.interview_missing)

    def test_interview_filters_search(self):
        self._interview(1)
        self._interview(3)
        Activity = self.env["cae.activity"]
        missing = Activity.search([("interview_missing", "=", True)])
        self.assertNotIn(self.activity_a, missing)
        self.assertIn(self.activity_b, missing)
        self.assertIn(
            self.activity_b, Activity.search([("interview_count_12m", "<", 2)])
        )
        self.assertEqual(
            Activity.search(
                [("interview_count_12m", ">=", 2), ("id", "in", self.activities.ids)]
            ),
            self.activity_a,
        )
        # A candidate is not under contract: no legal minimum yet.
        candidate = Activity.create(
            {"name": "Candidate", "entrepreneur_id": self.partner_b.id}
        )
        self.assertFalse(candidate.interview_missing)
        self.assertNotIn(candidate, missing)
        self.assertIn(candidate, Activity.search([("interview_missing", "=", False)]))

    def test_accompaniment_state_changes_through_buttons_only(self):
        record = self._interview(1, done=False)
        with self.assertRaises(UserError):
            record.with_user(self.advisor).state = "done"
        record.action_done()
        with self.assertRaisesRegex(UserError, "not possible"):
            record.action_done()
        record.action_plan()
        record.action_cancel()
        self.assertEqual(record.state, "cancelled")

    def test_list_computations_do_not_grow_with_activities(self):
        """Counts shown in lists and on the portal are read in batch."""

        def queries_for(count):
            activities = self.env["cae.activity"].create(
                [
                    {"name": f"Batch {i}", "entrepreneur_id": self.partner_a.id}
                    for i in range(count)
                ]
            )
            for activity in activities:
                self._interview(1, activity=activity)
            self._document(date(2030, 1, 1))
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            activities.read(
                [
                    "document_count",
                    "document_alert_count",
                    "interview_count_12m",
                    "interview_missing",
                ]
            )
            return self.cr.sql_log_count - before

        few = queries_for(3)
        self.assertGreater(few, 0)
        self.assertEqual(few, queries_for(30))

    @property
    def activities(self):
        return self.activity_a | self.activity_b
