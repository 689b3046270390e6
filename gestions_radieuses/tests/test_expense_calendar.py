from odoo.tests import tagged

from .expense_common import CaeExpenseCommon


@tagged("post_install", "-at_install")
class TestExpenseClosesCalendarDeadline(CaeExpenseCommon):
    """Submitting the month closes the calendar's expense-report deadline of that
    month, for that activity only (issues 3 and 4 together)."""

    def test_submitting_the_month_closes_its_deadline_only(self):
        rule = self.env.ref("gestions_radieuses.deadline_rule_expense_report")
        Deadline = self.env["cae.deadline"]
        activities = self.activity_a | self.activity_b
        Deadline._generate(rules=rule, activities=activities)
        month = self.today.replace(day=1)
        deadlines = Deadline.search(
            [("rule_id", "=", rule.id), ("activity_id", "in", activities.ids)]
        )
        mine = deadlines.filtered(
            lambda d: d.activity_id == self.activity_a and d.period_start == month
        )
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.state, "todo")
        others = deadlines - mine
        self.assertTrue(others.filtered(lambda d: d.activity_id == self.activity_b))
        self.assertTrue(others.filtered(lambda d: d.activity_id == self.activity_a))

        report = self._line().report_id
        report.with_user(self.entrepreneur_a).action_submit()

        self.assertEqual(report.state, "submitted")
        self.assertEqual(mine.state, "done")
        self.assertEqual(mine.done_by_id, self.entrepreneur_a)
        self.assertEqual(set(others.mapped("state")), {"todo"})
