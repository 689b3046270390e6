import base64
import csv
import io
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .expense_common import CaeExpenseCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestExpenseExport(CaeExpenseCommon):
    """Approved reports become balanced journal entries in a CSV file."""

    def setUp(self):
        super().setUp()
        self.company.cae_expense_journal_code = "NDF"
        feb = date(2026, 2, 10)
        self._line(amount_total=120.0, date=feb)  # office supplies 6064, 20 %
        self._line(
            category_id=self.cat_receptions.id, amount_total=55.0, date=feb
        )  # 6257, 10 %
        self._line(
            category_id=self.cat_mileage.id,
            distance_km=100,
            trip_from="Lyon",
            trip_to="Vienne",
            date=feb,
        )  # 6251, 63.60, no VAT
        self.report_a = self.Report.search([("activity_id", "=", self.activity_a.id)])
        self._line(activity=self.activity_b, amount_total=30.0, date=feb)
        self.report_b = self.Report.search([("activity_id", "=", self.activity_b.id)])
        draft = self._line(activity=self.activity_b, amount_total=99.0)
        self.draft_report = draft.report_id
        reports = self.report_a | self.report_b
        reports.action_submit()
        reports.with_user(self.accountant).action_approve()

    def _export(self, **vals):
        wizard = (
            self.env["cae.expense.export.wizard"]
            .with_user(self.accountant)
            .create(
                {"date_from": date(2026, 2, 1), "date_to": date(2026, 2, 1), **vals}
            )
        )
        wizard.action_export()
        content = base64.b64decode(wizard.export_file).decode()
        return list(csv.DictReader(io.StringIO(content), delimiter=";"))

    def test_balanced_entries(self):
        rows = self._export()
        by_report = {}
        for row in rows:
            by_report.setdefault(row["reference"], []).append(row)
        self.assertEqual(set(by_report), {self.report_a.name, self.report_b.name})
        for reference, entry in by_report.items():
            debit = sum(float(r["debit"]) for r in entry)
            credit = sum(float(r["credit"]) for r in entry)
            self.assertAlmostEqual(debit, credit, 2, reference)
        self.assertAlmostEqual(
            sum(float(r["debit"]) for r in rows),
            sum(float(r["credit"]) for r in rows),
            2,
        )
        entry = {r["account"]: r for r in by_report[self.report_a.name]}
        # 120 incl. 20 % → 100 + 20; 55 incl. 10 % → 50 + 5; mileage 63.60.
        self.assertEqual(entry["6064"]["debit"], "100.00")
        self.assertEqual(entry["6257"]["debit"], "50.00")
        self.assertEqual(entry["6251"]["debit"], "63.60")
        self.assertEqual(entry["44566"]["debit"], "25.00")
        self.assertEqual(entry["425"]["credit"], "238.60")
        analytic = self.activity_a.analytic_account_id.code
        self.assertTrue(analytic)
        for account in ("6064", "6257", "6251"):
            self.assertEqual(entry[account]["analytic"], analytic)
            self.assertEqual(entry[account]["journal"], "NDF")
            self.assertEqual(entry[account]["date"], "2026-02-28")
        self.assertEqual(entry["425"]["analytic"], "")
        self.assertNotIn(self.draft_report.name, by_report)
        self.assertTrue(self.report_a.exported)

    def test_no_double_export(self):
        self._export()
        with self.assertRaises(UserError):
            self._export()
        rows = self._export(include_exported=True)
        self.assertEqual(
            {r["reference"] for r in rows}, {self.report_a.name, self.report_b.name}
        )

    def test_payable_account_configurable_and_negative_amounts(self):
        self.company.cae_expense_payable_account = "4251"
        # As superuser (the test's env): no context flag opens states (issue 8).
        self.report_a.write({"state": "draft"})
        self.env["cae.expense.line"].create(
            {
                "activity_id": self.activity_a.id,
                "category_id": self.cat_mileage.id,
                "date": date(2026, 2, 28),
                "amount_total": -300.0,
                "is_regularisation": True,
                "vat_rate": "0",
            }
        )
        self.report_a.action_submit()
        self.report_a.with_user(self.accountant).action_approve()
        entry = {
            r["account"]: r
            for r in self._export()
            if r["reference"] == self.report_a.name
        }
        # 63.60 − 300 of mileage: the expense account is credited, and the report
        # (238.60 − 300 = −61.40) leaves the entrepreneur owing the difference.
        self.assertEqual(entry["6251"]["credit"], "236.40")
        self.assertEqual(entry["4251"]["debit"], "61.40")
        debit = sum(float(r["debit"]) for r in entry.values())
        credit = sum(float(r["credit"]) for r in entry.values())
        self.assertAlmostEqual(debit, credit, 2)

    def test_export_refused_to_others(self):
        for user in (self.advisor, self.entrepreneur_a):
            with self.assertRaises(AccessError):
                self.env["cae.expense.export.wizard"].with_user(user).create(
                    {"date_from": date(2026, 2, 1), "date_to": date(2026, 2, 1)}
                )
