"""An accountant approving while the entrepreneur edits the same report, through
two connections that really overlap (committed data, two cursors)."""

import time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_deadline_concurrency import CommittedDataCase


@tagged("post_install", "-at_install")
class TestExpenseReportRace(CommittedDataCase):
    """Two connections on one committed report (see CommittedDataCase)."""

    def setUp(self):
        super().setUp()

        def make(env):
            partner = env["res.partner"].create({"name": "Race entrepreneur"})
            activity = env["cae.activity"].create(
                {"name": "Race", "entrepreneur_id": partner.id, "stage": "salaried"}
            )
            line = env["cae.expense.line"].create(
                {
                    "activity_id": activity.id,
                    "category_id": env.ref(
                        "gestions_radieuses.expense_category_office_supplies"
                    ).id,
                    "amount_total": 10.0,
                    "date": env.company._cae_today(),
                }
            )
            return partner.id, activity.id, line.id, line.report_id.id

        self.partner_id, self.activity_id, self.line_id, self.report_id = (
            self._committed(make)
        )

        def remove(env):
            report = env["cae.expense.report"].browse(self.report_id).exists()
            env.cr.execute(
                "DELETE FROM cae_expense_line WHERE report_id = %s; "
                "UPDATE cae_expense_report SET state = 'draft' WHERE id = %s",
                [report.id, report.id],
            )
            report.invalidate_recordset()
            report.unlink()
            activity = env["cae.activity"].browse(self.activity_id).exists()
            analytic = activity.analytic_account_id
            env["cae.deadline"].search([("activity_id", "=", activity.id)]).unlink()
            activity.unlink()
            analytic.exists().unlink()
            env["res.partner"].browse(self.partner_id).exists().unlink()

        self.addCleanup(self._committed, remove)

    def _set_state(self, state):
        def write(env):
            env.cr.execute(
                "UPDATE cae_expense_report SET state = %s WHERE id = %s",
                [state, self.report_id],
            )

        self._committed(write)

    def _committed_state(self):
        def read(env):
            env.cr.execute(
                "SELECT r.state, l.amount_total FROM cae_expense_report r "
                "JOIN cae_expense_line l ON l.report_id = r.id WHERE r.id = %s",
                [self.report_id],
            )
            return env.cr.fetchone()

        return self._committed(read)

    def test_edit_refused_during_the_approval(self):
        """The accountant's approval holds its transaction open; the
        entrepreneur's edit does not wait for it: it is refused at once with a
        clear message; once the approval is committed, the edit again finds the
        report approved and changes nothing."""
        self._set_state("submitted")
        with self.registry.cursor() as accountant_cr:
            accountant = api.Environment(accountant_cr, SUPERUSER_ID, {})
            accountant["cae.expense.report"].browse(self.report_id).action_approve()
            accountant.flush_all()
            with self.registry.cursor() as entrepreneur_cr:
                # A safety net only: an edit that waited for the lock would be
                # stopped after 10 s, and fail the bound below.
                entrepreneur_cr.execute("SET LOCAL lock_timeout = '10s'")
                env = api.Environment(entrepreneur_cr, SUPERUSER_ID, {})
                line = env["cae.expense.line"].browse(self.line_id)
                start = time.time()
                with self.assertRaisesRegex(UserError, "Someone else"):
                    line.write({"amount_total": 20.0})
                    env.flush_all()
                self.assertLess(time.time() - start, 5)
                entrepreneur_cr.rollback()
            accountant_cr.commit()
        with self.registry.cursor() as entrepreneur_cr:
            env = api.Environment(entrepreneur_cr, SUPERUSER_ID, {})
            with self.assertRaisesRegex(UserError, "can no longer be changed"):
                env["cae.expense.line"].browse(self.line_id).write(
                    {"amount_total": 20.0}
                )
            entrepreneur_cr.rollback()
        self.assertEqual(self._committed_state(), ("approved", 10.0))

    def test_approval_refused_while_the_entrepreneur_edits(self):
        """The entrepreneur's edit of the refused report holds its transaction
        open; the accountant cannot move the report meanwhile, and nothing is
        lost once the edit commits."""
        self._set_state("refused")
        with self.registry.cursor() as entrepreneur_cr:
            env = api.Environment(entrepreneur_cr, SUPERUSER_ID, {})
            env["cae.expense.line"].browse(self.line_id).write({"amount_total": 20.0})
            env.flush_all()
            with self.registry.cursor() as accountant_cr:
                accountant = api.Environment(accountant_cr, SUPERUSER_ID, {})
                report = accountant["cae.expense.report"].browse(self.report_id)
                start = time.time()
                # Refused reports cannot be approved; and the row is busy anyway:
                # either way a clear message at once, not a wait.
                with self.assertRaises(UserError):
                    report.action_approve()
                with self.assertRaisesRegex(UserError, "Someone else"):
                    report.action_submit()
                self.assertLess(time.time() - start, 5)
                accountant_cr.rollback()
            entrepreneur_cr.commit()
        self.assertEqual(self._committed_state(), ("refused", 20.0))
