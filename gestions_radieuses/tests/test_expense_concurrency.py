from odoo import SUPERUSER_ID, api
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
            report.with_user(self.accountant)._do_refuse("too late")
        self.assertEqual(report.state, "approved")
        self.assertFalse(report.refusal_reason)

    def test_locked_report_refused_at_once(self):
        # Another connection sees only committed rows, and this test's transaction
        # only what was committed before it began: the report is committed by a
        # transaction of its own, acted on in a new one, and removed at the end.
        report_id = self._commit_submitted_report()
        self.addCleanup(self._remove_committed_report, report_id)
        with (
            self.registry.cursor() as cr,
            db_connect(cr.dbname).cursor() as other,
        ):
            env = api.Environment(cr, SUPERUSER_ID, {})
            accountant = env.ref("base.user_admin")  # a manager: an accountant too
            report = env["cae.expense.report"].browse(report_id)
            self.assertEqual(report.state, "submitted")
            other.execute(
                "SELECT id FROM cae_expense_report WHERE id = %s FOR UPDATE",
                [report.id],
            )
            with self.assertRaisesRegex(UserError, "Someone else"):
                report.with_user(accountant).action_approve()
            other.rollback()
            # The transaction is still usable and the report unchanged.
            report.invalidate_recordset()
            self.assertEqual(report.state, "submitted")
            report.with_user(accountant).action_approve()
            self.assertEqual(report.state, "approved")
            cr.rollback()

    def _commit_submitted_report(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            partner = env["res.partner"].create({"name": "Locked entrepreneur"})
            activity = env["cae.activity"].create(
                {"name": "Locked activity", "entrepreneur_id": partner.id}
            )
            report = env["cae.expense.report"].create(
                {"activity_id": activity.id, "date": self.today}
            )
            report.write({"state": "submitted"})  # as superuser: a fixture
            return report.id

    def _remove_committed_report(self, report_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            report = env["cae.expense.report"].browse(report_id)
            activity = report.activity_id
            analytic, partner = activity.analytic_account_id, activity.entrepreneur_id
            report.write({"state": "draft"})
            report.unlink()
            activity.unlink()
            analytic.unlink()
            partner.unlink()
