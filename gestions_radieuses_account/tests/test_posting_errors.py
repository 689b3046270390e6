from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .posting_common import PostingCommon


@tagged("post_install", "-at_install")
class TestPostingErrors(PostingCommon):
    """Bad configuration or input: a clear message, nothing posted, the reports
    still submitted — for a whole batch when one report is wrong."""

    def setUp(self):
        super().setUp()
        self.good = self._submitted(activity=self.activity_b)

    def _refused(self, report, message):
        reports = self.good | report
        with self.assertRaisesRegex(UserError, message):
            reports.with_user(self.accountant).action_approve()
        self.assertEqual(set(reports.mapped("state")), {"submitted"})
        self.assertFalse(reports.sudo().move_id)
        self.assertFalse(
            self.env["account.move"].search(
                [("cae_expense_report_id", "in", reports.ids)]
            )
        )

    def test_no_journal(self):
        self.company.cae_expense_journal_id = False
        self._refused(self._submitted(), "No expense journal is set")

    def test_no_account(self):
        self.company.cae_expense_account_id = False
        self._refused(self._submitted(), "No account for the amounts owed")

    def test_category_without_account(self):
        self.cat_receptions.with_company(self.company).account_id = False
        report = self._submitted(
            lines=[{"category_id": self.cat_receptions.id, "vat_rate": "10"}]
        )
        self._refused(report, "has no expense account")

    def test_vat_rate_without_tax(self):
        self.env["account.tax"].search(
            [("company_id", "=", self.company.id), ("amount", "=", 5.5)]
        ).active = False
        report = self._submitted(
            lines=[{"category_id": self.cat_documentation.id, "vat_rate": "5.5"}]
        )
        self._refused(report, "No deductible purchase VAT of 5.5")

    def test_lock_date(self):
        self.company.fiscalyear_lock_date = date(2026, 3, 31)
        self._refused(self._submitted(), "closed period")

    def test_tax_lock_date(self):
        self.company.tax_lock_date = date(2026, 3, 31)
        self._refused(self._submitted(), "closed period")

    def test_already_posted(self):
        report = self._submitted()
        self._approve(report)
        with self.assertRaisesRegex(UserError, "already posted"):
            report.sudo()._cae_post_moves()
        with self.assertRaisesRegex(UserError, "not possible any more"):
            report.with_user(self.accountant).action_approve()
        self.assertEqual(
            self.env["account.move"].search_count(
                [("cae_expense_report_id", "=", report.id)]
            ),
            1,
        )

    def test_one_entry_per_report_in_the_database(self):
        """Even past the row lock, the database holds one entry per report."""
        report = self._submitted()
        move = self._approve(report)
        with (
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            move.copy().write({"cae_expense_report_id": report.id})
            self.env.flush_all()
