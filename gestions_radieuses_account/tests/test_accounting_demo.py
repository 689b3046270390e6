from unittest import SkipTest

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestAccountingDemo(TransactionCase):
    """The demo CAE's books, as `make demo` shows them (make test installs the demo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("base.module_gestions_radieuses_account").demo:
            raise SkipTest("installed without demo data")
        cls.company = cls.env.ref("base.main_company")
        cls.activities = {
            name: cls.env.ref(f"gestions_radieuses.activity_{name}_demo")
            for name in (
                "amelie",
                "bastien",
                "chloe",
                "david",
                "farid",
                "gaelle",
                "hugo",
            )
        }

    def _invoices(self, activity, move_type="out_invoice"):
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company.id),
                ("move_type", "=", move_type),
                ("state", "=", "posted"),
                (
                    "invoice_line_ids.analytic_distribution",
                    "in",
                    activity.analytic_account_id.ids,
                ),
            ]
        )

    def test_french_chart(self):
        self.assertEqual(self.company.country_id, self.env.ref("base.fr"))
        self.assertEqual(self.company.chart_template, "fr")

    def test_books_of_each_activity(self):
        """Invoices on 706000 at 20 % with the activity's analytic account, most
        paid, some partly, some not; charges too; none for the candidate; none
        after the day an entrepreneur left; nothing after the CAE's today."""
        today = self.company._cae_today()
        self.assertFalse(self._invoices(self.activities["amelie"]))
        states = set()
        for name in ("bastien", "chloe", "david", "farid", "gaelle", "hugo"):
            activity = self.activities[name]
            invoices = self._invoices(activity)
            self.assertGreaterEqual(len(invoices), 5, name)
            self.assertTrue(self._invoices(activity, "in_invoice"), name)
            lines = invoices.invoice_line_ids
            self.assertEqual(set(lines.account_id.mapped("code")), {"706000"})
            self.assertEqual(set(lines.tax_ids.mapped("amount")), {20.0})
            self.assertLessEqual(max(invoices.mapped("invoice_date")), today)
            states |= set(invoices.mapped("payment_state"))
        self.assertTrue({"paid", "partial", "not_paid"} <= states, states)
        hugo = self.activities["hugo"]
        self.assertLessEqual(
            max(self._invoices(hugo).mapped("invoice_date")), hugo.stage_date
        )
        # The collected figure comes from the books: payments are posted entries.
        paid = self._invoices(self.activities["farid"]).filtered(
            lambda move: move.payment_state == "paid"
        )
        self.assertFalse(any(paid.mapped("amount_residual")))

    def test_posting_configuration(self):
        """The demo company posts approved reports: one expense journal, 421000
        as a payable with the entrepreneur as third party, every category's account."""
        journal = self.env["account.journal"].search(
            [("code", "=", "NDF"), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(journal), 1)
        self.assertEqual(self.company.cae_expense_journal_id, journal)
        account = self.company.cae_expense_account_id
        self.assertEqual(account.code, "421000")
        self.assertEqual(account.account_type, "liability_payable")
        categories = self.env["cae.expense.category"].with_company(self.company)
        self.assertTrue(categories.search([]))
        self.assertFalse(categories.search([("account_id", "=", False)]))

    def test_idempotent(self):
        """Run again (a second install of the demo), it invoices nobody twice."""
        before = self.env["account.move"].search_count([])
        self.env["res.company"]._cae_demo_accounting()
        self.assertEqual(self.env["account.move"].search_count([]), before)

    def test_staff_rights_after_accounting(self):
        """Outside test (issue 10): installing Accounting made the demo advisors
        Accounting administrators (Odoo's default user template): they read every
        entry and bank account and registered payments. The demo gives them back
        their own rights."""
        for xmlid in ("user_advisor1_demo", "user_advisor2_demo"):
            advisor = self.env.ref(f"gestions_radieuses.{xmlid}")
            self.assertFalse(advisor.has_group("account.group_account_invoice"))
            self.assertFalse(advisor.has_group("account.group_account_readonly"))
        manager = self.env.ref("gestions_radieuses.user_manager_demo")
        self.assertFalse(manager.has_group("account.group_account_invoice"))
        self.assertTrue(manager.has_group("account.group_account_readonly"))
        accountant = self.env.ref("gestions_radieuses.user_accountant_demo")
        self.assertTrue(accountant.has_group("account.group_account_manager"))

    def test_demo_reports_in_the_books(self):
        """Phone outside test (issue 10): the demo's approved and paid reports had
        no entry (approved before Accounting was installed): their charges were
        missing from the figures."""
        Report = self.env["cae.expense.report"]
        payable = Report.search(
            [
                ("company_id", "=", self.company.id),
                ("state", "in", ("approved", "partial", "paid")),
            ]
        )
        self.assertTrue(payable)
        self.assertTrue(all(payable.mapped("move_id")))
        for report in payable.filtered(lambda r: r.state in ("partial", "paid")):
            owed = report.move_id.line_ids.filtered(
                lambda line, r=report: (
                    line.account_id == r.company_id.cae_expense_account_id
                )
            )
            self.assertAlmostEqual(
                -sum(owed.mapped("amount_residual")), report.amount_residual, 2
            )
            self.assertTrue(owed.matched_debit_ids or owed.matched_credit_ids)
