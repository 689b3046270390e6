from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .expense_common import CaeExpenseCommon


@tagged("post_install", "-at_install")
class TestExpenseConcurrency(CaeExpenseCommon):
    """Two people acting on one report at once never leave a forbidden state."""

    def test_state_is_read_again_under_the_lock(self):
        line = self._line()
        report = line.report_id
        report.action_submit()
        self.assertEqual(report.state, "submitted")  # now in the cache
        self.env.flush_all()
        # Another transaction approved it meanwhile (the cache does not know).
        self.env.cr.execute(
            "UPDATE cae_expense_report SET state = 'approved' WHERE id = %s",
            [report.id],
        )
        with self.assertRaises(UserError):
            report.with_user(self.accountant).action_refuse("too late")
        self.assertEqual(report.state, "approved")
        self.assertFalse(report.refusal_reason)

    def test_locked_report_refused_at_once(self):
        # A committed report (demo data), locked by another connection.
        report = self.env.ref("gestions_radieuses.expense_report_bastien_m1_demo")
        self.assertEqual(report.state, "submitted")
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                "SELECT id FROM cae_expense_report WHERE id = %s FOR UPDATE",
                [report.id],
            )
            with self.assertRaisesRegex(UserError, "Someone else"):
                report.with_user(self.accountant).action_approve()
            other.rollback()
        # The transaction is still usable and the report unchanged.
        report.invalidate_recordset()
        self.assertEqual(report.state, "submitted")
        report.with_user(self.accountant).action_approve()
        self.assertEqual(report.state, "approved")
