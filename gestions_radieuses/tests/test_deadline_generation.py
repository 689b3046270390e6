from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged, users, warmup
from odoo.tools import mute_logger

from .common_calendar import TODAY, CaeCalendarCommon


@tagged("post_install", "-at_install")
class TestDeadlineGeneration(CaeCalendarCommon):
    def test_monthly_deadlines_and_names(self):
        self.generate()
        deadlines = self.deadlines(self.rule_monthly, self.activity_a)
        # Due from TODAY (10 March 2027) to the 12-month horizon: March 2027 (due
        # 5 April) to February 2028 (due 5 March 2028); February 2027 was due on
        # 5 March, before TODAY.
        self.assertEqual(len(deadlines), 12)
        first = deadlines[0]
        self.assertEqual(first.period_start, date(2027, 3, 1))
        self.assertEqual(first.period_end, date(2027, 3, 31))
        self.assertEqual(first.due_date, date(2027, 4, 5))
        self.assertEqual(first.reminder_date, date(2027, 3, 31))
        self.assertEqual(deadlines[-1].due_date, date(2028, 3, 5))
        self.assertEqual(
            first.with_context(lang="en_US").display_name,
            "Test expense report — March 2027",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertEqual(
            first.with_context(lang="fr_FR").display_name,
            "Test expense report — mars 2027",
        )
        self.assertEqual(
            first.with_context(
                lang="en_US", cae_deadline_show_activity=True
            ).display_name,
            "Test expense report — March 2027 · Activity A",
        )
        self.assertEqual(first.entrepreneur_id, self.partner_a)
        self.assertEqual(first.advisor_id, self.advisor)
        self.assertEqual(first.category, "expenses")
        self.assertFalse(first.is_late)

    def test_idempotent(self):
        first = self.generate()
        self.assertGreater(first["created"], 0)
        count = self.Deadline.search_count([("rule_id", "in", self.test_rules.ids)])
        second = self.generate()
        self.assertEqual(second, {"created": 0, "moved": 0, "cancelled": 0})
        self.assertEqual(
            self.Deadline.search_count([("rule_id", "in", self.test_rules.ids)]), count
        )

    def test_unique_in_database(self):
        """Two workers inserting the same deadlines: the second one adds nothing."""
        self.generate()
        existing = self.deadlines(self.rule_monthly, self.activity_a)[0]
        # The row the generator itself builds for this deadline.
        expected = self.rule_monthly.sudo()._expected_deadlines(self.activity_a, TODAY)
        row = expected[
            (self.rule_monthly.id, self.activity_a.id, existing.period_start)
        ]
        self.assertEqual(
            (row["period_end"], row["due_date"]),
            (existing.period_end, existing.due_date),
        )
        self.assertEqual(self.Deadline._insert_deadlines([row, dict(row)]), 0)
        # The ORM cannot bypass the unique index either.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Deadline.create(
                {
                    key: value
                    for key, value in row.items()
                    if key not in ("entrepreneur_id", "advisor_id")
                }
            )

    def test_domain_and_company(self):
        candidate = self.env["cae.activity"].create(
            {
                "name": "Candidate",
                "entrepreneur_id": self.partner_b.id,
                "stage": "candidate",
            }
        )
        other = (
            self.env["cae.activity"]
            .with_company(self.company_2)
            .create(
                {
                    "name": "Other company",
                    "entrepreneur_id": self.partner_b.id,
                    "stage": "salaried",
                    "company_id": self.company_2.id,
                }
            )
        )
        self.generate()
        self.assertTrue(self.deadlines(self.rule_monthly, self.activity_b))
        self.assertFalse(self.deadlines(self.rule_monthly, candidate))
        self.assertFalse(self.deadlines(self.rule_monthly, other))
        rule_2 = self.create_rule(
            {
                "name": "Other CAE rule",
                "recurrence": "yearly",
                "month": 6,
                "day": 30,
                "company_id": self.company_2.id,
            }
        )
        self.generate(rules=rule_2)
        deadlines = self.deadlines(rule_2)
        self.assertEqual(deadlines.activity_id, other)
        self.assertEqual(deadlines.company_id, self.company_2)

    def test_company_wide_rule(self):
        rule = self.create_rule(
            {
                "name": "General assembly preparation",
                "actor": "staff",
                "scope": "company",
                "recurrence": "yearly",
                "month": 5,
                "day": 15,
                "shift_working_day": True,
            }
        )
        self.generate(rules=rule)
        deadlines = self.deadlines(rule)
        self.assertEqual(len(deadlines), 1)
        self.assertFalse(deadlines.activity_id)
        # The 15th is a Saturday and Monday the 17th is Whit Monday.
        self.assertEqual(deadlines.due_date, date(2027, 5, 18))
        rule.shift_working_day = False  # no generation: the test context says so
        self.generate(rules=rule)
        self.assertEqual(deadlines.due_date, date(2027, 5, 15))

    def test_follows_rule_changes_without_touching_done(self):
        self.generate()
        deadlines = self.deadlines(self.rule_monthly, self.activity_a)
        done = deadlines[1]
        done.action_done()
        self.rule_monthly.day = 10
        self.generate()
        self.assertEqual({d.due_date.day for d in deadlines - done}, {10})
        self.assertEqual(deadlines[0].due_date, date(2027, 4, 10))
        self.assertEqual(done.due_date, date(2027, 5, 5))
        self.assertEqual(done.state, "done")

        self.rule_monthly.active = False
        self.generate()
        self.assertEqual(set((deadlines - done).mapped("state")), {"cancelled"})
        self.assertEqual(done.state, "done")

        self.rule_monthly.active = True
        self.generate()
        self.assertEqual(set((deadlines - done).mapped("state")), {"todo"})

    def test_rule_write_generates(self):
        rule = self.env["cae.deadline.rule"].create(
            {"name": "Pay", "recurrence": "monthly", "day": 20}
        )
        deadlines = self.deadlines(rule, self.activity_a)
        self.assertEqual(deadlines[0].due_date, date(2027, 3, 20))
        rule.write({"day": 25})
        self.assertEqual(deadlines[0].due_date, date(2027, 3, 25))
        rule.action_archive()
        self.assertEqual(set(deadlines.mapped("state")), {"cancelled"})

    def test_follows_activity_changes(self):
        self.generate()
        deadlines = self.deadlines(self.rule_monthly, self.activity_b)
        done = deadlines[0]
        done.action_done()
        # A candidate again: out of the rule's filter.
        self.activity_b.stage = "candidate"
        self.assertEqual(set((deadlines - done).mapped("state")), {"cancelled"})
        self.assertEqual(done.state, "done")
        self.activity_b.stage = "salaried"
        self.assertEqual(set((deadlines - done).mapped("state")), {"todo"})
        self.activity_b.action_archive()
        self.assertEqual(set((deadlines - done).mapped("state")), {"cancelled"})

    def test_document_expiry(self):
        document = self.add_document(self.activity_a, date(2027, 6, 30))
        deadline = self.deadlines(self.rule_insurance, self.activity_a)
        self.assertEqual(len(deadline), 1)
        self.assertEqual(deadline.due_date, date(2027, 5, 31))
        self.assertEqual(deadline.period_end, document.date_until)
        # The renewal arrives: the deadline closes itself, the next one is set.
        self.add_document(self.activity_a, date(2028, 1, 31))
        self.assertEqual(deadline.state, "done")
        self.assertEqual(deadline.done_date, TODAY)
        self.assertEqual(deadline.done_by_id, self.env.user)
        following = self.deadlines(self.rule_insurance, self.activity_a, state="todo")
        self.assertEqual(following.due_date, date(2028, 1, 1))
        result = self.generate(rules=self.rule_insurance, activities=self.activity_a)
        self.assertEqual(result, {"created": 0, "moved": 0, "cancelled": 0})

    def test_expired_document_is_late(self):
        self.add_document(self.activity_b, date(2027, 1, 31))
        deadline = self.deadlines(self.rule_insurance, self.activity_b)
        self.assertEqual(deadline.due_date, date(2027, 1, 1))
        self.assertTrue(deadline.is_late)
        self.assertIn(deadline, self.Deadline.search([("is_late", "=", True)]))
        self.assertNotIn(deadline, self.Deadline.search([("is_late", "=", False)]))
        self.assertGreaterEqual(self.activity_b.deadline_late_count, 1)
        action = self.activity_b.action_view_deadlines()
        self.assertIn(deadline, self.Deadline.search(action["domain"]))

    def test_interview_relative(self):
        self.activity_a.stage_date = date(2026, 12, 1)
        deadline = self.deadlines(self.rule_interview, self.activity_a)
        self.assertEqual(deadline.due_date, date(2027, 6, 1))
        interview = self.env["cae.accompaniment"].create(
            {"activity_id": self.activity_a.id, "date": date(2027, 3, 2)}
        )
        self.assertEqual(deadline.state, "todo")
        interview.action_done()
        self.assertEqual(deadline.state, "done")
        following = self.deadlines(self.rule_interview, self.activity_a, state="todo")
        self.assertEqual(following.due_date, date(2027, 9, 2))
        # A workshop is not an interview.
        workshop = self.env["cae.accompaniment"].create(
            {"activity_id": self.activity_a.id, "kind": "workshop"}
        )
        workshop.action_done()
        self.assertEqual(following.state, "todo")

    def test_deleted_interview(self):
        """The next interview is counted from the last one left, as a deleted
        document's renewal is (cae.deadline.source)."""
        self.activity_a.stage_date = date(2026, 12, 1)
        interview = self.env["cae.accompaniment"].create(
            {"activity_id": self.activity_a.id, "date": date(2027, 3, 2)}
        )
        interview.action_done()
        following = self.deadlines(self.rule_interview, self.activity_a, state="todo")
        self.assertEqual(following.due_date, date(2027, 9, 2))
        interview.unlink()
        self.assertEqual(following.state, "cancelled")
        self.assertFalse(
            self.deadlines(self.rule_interview, self.activity_a, state="todo")
        )

    def test_close_by_event(self):
        self.generate()
        deadlines = self.deadlines(self.rule_monthly, self.activity_a)
        closed = self.Deadline.sudo()._close_by_event(
            "expense_report_submitted", self.activity_a, date(2027, 4, 1)
        )
        april = deadlines.filtered(lambda d: d.period_start.month == 4)
        self.assertEqual(
            closed.filtered(lambda d: d.rule_id == self.rule_monthly), april
        )
        self.assertEqual(set(closed.mapped("state")), {"done"})
        self.assertEqual(
            self.Deadline._close_by_event(
                "document_uploaded", self.activity_a, date(2027, 4, 1)
            ),
            self.Deadline,
        )

    def test_bad_rules(self):
        base = {"name": "Bad", "recurrence": "monthly", "day": 5}
        for values in (
            {"day": 32},
            {"day": -1},
            {"day": 0},
            {"recurrence": "yearly", "month": 13},
            {"recurrence": "once"},
            {"recurrence": "document_expiry"},
            {"activity_domain": "[('stage', '=',"},
            {"activity_domain": "[('no_such_field', '=', 1)]"},
            {"activity_domain": "42"},
            {"recurrence": "interview", "scope": "company"},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.create_rule({**base, **values})
        self.assertFalse(self.Rule.search([("name", "=", "Bad")]))
        for months in (0, 37):
            with self.subTest(months=months), self.assertRaises(ValidationError):
                self.company.cae_deadline_horizon_months = months
        self.assertEqual(self.company.cae_deadline_horizon_months, 12)

    def test_horizon(self):
        self.company.cae_deadline_horizon_months = 3
        self.generate(rules=self.rule_monthly)
        deadlines = self.deadlines(self.rule_monthly, self.activity_a, state="todo")
        self.assertEqual(deadlines[-1].due_date, date(2027, 6, 5))


@tagged("post_install", "-at_install")
class TestDeadlineGenerationQueries(CaeCalendarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.many = cls.env["cae.activity"].create(
            [
                {
                    "name": f"Activity {index}",
                    "entrepreneur_id": cls.partner_b.id,
                    "advisor_id": cls.advisor.id,
                    "stage": "salaried",
                }
                for index in range(40)
            ]
        )

    def _rule_for(self, activities):
        return self.create_rule(
            {
                "name": "Counted",
                "recurrence": "quarterly",
                "day": 15,
                "activity_domain": repr([("id", "in", activities.ids)]),
            }
        ).with_env(self.env)

    @users("cae_manager")
    @warmup
    def test_generation_queries_do_not_grow(self):
        few = self._rule_for(self.many[:2])
        many = self._rule_for(self.many)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(cae_manager=8):
            few.action_generate_deadlines()
        self.env.invalidate_all()
        with self.assertQueryCount(cae_manager=8):
            many.action_generate_deadlines()
        self.assertEqual(len(many.deadline_ids), 40 * 4)
