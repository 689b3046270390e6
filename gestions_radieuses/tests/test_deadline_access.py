from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_calendar import TODAY, CaeCalendarCommon


@tagged("post_install", "-at_install")
class TestDeadlineAccess(CaeCalendarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Deadline._generate(rules=cls.test_rules)
        cls.deadline_a = cls.Deadline.search(
            [
                ("rule_id", "=", cls.rule_monthly.id),
                ("activity_id", "=", cls.activity_a.id),
            ],
            limit=1,
        )
        cls.deadline_b = cls.Deadline.search(
            [
                ("rule_id", "=", cls.rule_monthly.id),
                ("activity_id", "=", cls.activity_b.id),
            ],
            limit=1,
        )
        cls.staff_deadline_a = cls.Deadline.search(
            [
                ("rule_id", "=", cls.rule_staff.id),
                ("activity_id", "=", cls.activity_a.id),
            ],
            limit=1,
        )

    def test_rules_access_per_role(self):
        rule = self.rule_monthly
        for user in (self.advisor, self.accountant, self.manager):
            with self.subTest(user=user.login):
                self.assertEqual(rule.with_user(user).name, "Test expense report")
        for user in (self.advisor, self.accountant):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    rule.with_user(user).write({"day": 6})
                with self.assertRaises(AccessError):
                    self.Rule.with_user(user).create({"name": "X", "day": 1})
                with self.assertRaises(AccessError):
                    rule.with_user(user).action_generate_deadlines()
        for user in (self.internal, self.entrepreneur_a, self.other_company):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                rule.with_user(user).read(["name"])
        rule.with_user(self.manager).write({"day": 6})
        self.assertEqual(rule.day, 6)
        new_rule = self.Rule.with_user(self.manager).create(
            {"name": "Manager rule", "recurrence": "monthly", "day": 1}
        )
        new_rule.with_user(self.manager).unlink()
        self.assertFalse(new_rule.exists())
        result = rule.with_user(self.manager).action_generate_deadlines()
        self.assertEqual(result["tag"], "display_notification")

    def test_rule_with_done_deadlines_cannot_be_deleted(self):
        self.deadline_a.action_done()
        with self.assertRaises(UserError):
            self.rule_monthly.with_user(self.manager).unlink()
        self.assertTrue(self.rule_monthly.exists())

    def test_deadlines_staff(self):
        for user in (self.advisor, self.accountant, self.manager):
            with self.subTest(user=user.login):
                deadlines = self.Deadline.with_user(user).search(
                    [("rule_id", "=", self.rule_monthly.id)]
                )
                self.assertIn(self.deadline_a, deadlines)
                self.assertIn(self.deadline_b, deadlines)
        for user in (self.advisor, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Deadline.with_user(user).create(
                    {
                        "rule_id": self.rule_monthly.id,
                        "company_id": self.company.id,
                        "period_start": "2030-01-01",
                        "period_end": "2030-01-31",
                        "due_date": "2030-02-05",
                        "reminder_date": "2030-02-01",
                    }
                )
        # States change through the buttons only.
        with self.assertRaises(UserError):
            self.deadline_a.with_user(self.advisor).write({"state": "done"})
        # The support team marks its own deadlines done, not the entrepreneur's.
        self.staff_deadline_a.with_user(self.advisor).action_done()
        self.assertEqual(self.staff_deadline_a.done_by_id, self.advisor)
        self.assertEqual(self.staff_deadline_a.done_date, TODAY)
        with self.assertRaises(UserError):
            self.staff_deadline_a.with_user(self.advisor).action_done()
        self.staff_deadline_a.with_user(self.advisor).action_reopen()
        self.assertEqual(self.staff_deadline_a.state, "todo")
        self.assertFalse(self.staff_deadline_a.done_date)
        for user in (self.advisor, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.deadline_a.with_user(user).action_done()
        self.assertEqual(self.deadline_a.state, "todo")
        # A manager may, for an entrepreneur without portal access.
        self.deadline_a.with_user(self.manager).action_done()
        self.assertEqual(self.deadline_a.done_by_id, self.manager)
        self.deadline_a.with_user(self.advisor).action_reopen()
        self.assertEqual(self.deadline_a.state, "todo")
        self.deadline_b.with_user(self.advisor).action_cancel()
        self.assertEqual(self.deadline_b.state, "cancelled")

    def test_deadlines_refused(self):
        for user in (self.internal, self.other_company):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.deadline_a.with_user(user).read(["due_date"])

    def test_deadlines_portal(self):
        Deadline = self.Deadline.with_user(self.entrepreneur_a)
        mine = Deadline.search([])
        self.assertIn(self.deadline_a, mine)
        self.assertIn(self.staff_deadline_a, mine)
        self.assertFalse(mine.activity_id - self.activity_a)
        with self.assertRaises(AccessError):
            self.deadline_b.with_user(self.entrepreneur_a).read(["due_date"])
        with self.assertRaises(AccessError):
            self.deadline_b.with_user(self.entrepreneur_a).action_done()
        # The support team's deadlines are theirs to mark done.
        with self.assertRaises(AccessError):
            self.staff_deadline_a.with_user(self.entrepreneur_a).action_done()
        # Marking done is all an entrepreneur may write.
        with self.assertRaises(AccessError):
            self.deadline_a.with_user(self.entrepreneur_a).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.deadline_a.with_user(self.entrepreneur_a).unlink()
        self.assertEqual(self.deadline_b.state, "todo")
        self.assertEqual(self.staff_deadline_a.state, "todo")
        with self.assertRaises(AccessError):
            self.deadline_a.with_user(self.entrepreneur_a).action_cancel()
        self.deadline_a.with_user(self.entrepreneur_a).action_done()
        self.assertEqual(self.deadline_a.state, "done")
        self.assertEqual(self.deadline_a.done_by_id, self.entrepreneur_a)
        with self.assertRaises(AccessError):
            self.deadline_a.with_user(self.entrepreneur_a).action_reopen()
        self.assertEqual(self.deadline_a.state, "done")
