"""A CAE on the French chart (l10n_fr_account) with the base module's users,
activities and categories, and helpers to make submitted reports."""

from datetime import date

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.gestions_radieuses.tests.common import PDF_BYTES
from odoo.addons.gestions_radieuses.tests.expense_common import CaeExpenseCommon


class AccountingAsSuperuser(AccountTestInvoicingCommon):
    """The French company and its chart as Odoo's accounting tests make them;
    the test itself runs as superuser like the base module's tests (the CAE's
    own users act through ``with_user``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(su=True)


class PostingCommon(CaeExpenseCommon, AccountingAsSuperuser):
    # A month well in the past: its entry is dated on its last day.
    month = date(2026, 3, 1)

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.company.cae_expense_journal_id
        cls.liability = cls.company.cae_expense_account_id
        cls.bank_journal = cls.company_data["default_journal_bank"]

    @classmethod
    def _account(cls, code, company=None):
        company = company or cls.company
        Account = cls.env["account.account"].with_company(company)
        return Account.search(
            [*Account._check_company_domain(company), ("code", "=", code)], limit=1
        )

    @classmethod
    def _tax(cls, rate, company=None):
        """The French chart's deductible VAT on goods and services of that rate."""
        company = company or cls.company
        name = {
            "20": "tva_acq_normale",
            "10": "tva_acq_intermediaire",
            "5.5": "tva_acq_reduite",
            "2.1": "tva_acq_super_reduite",
        }[rate]
        return cls.env.ref(f"account.{company.id}_{name}")

    def _submitted(self, activity=None, lines=None, receipt=False, day=None):
        """A submitted report of ``self.month`` with the given lines
        ([{field: value}]; office supplies 12.00 incl. 2.00 VAT by default)."""
        activity = activity or self.activity_a
        day = day or self.month.replace(day=10)
        created = self.Line.browse()
        for values in lines or [{}]:
            created |= self._line(activity, date=day, **values)
        report = created.report_id
        self.assertEqual(len(report), 1)
        if receipt:
            created[0]._attach_receipts([("receipt.pdf", PDF_BYTES)])
        report.action_submit()
        return report

    def _regularisation(self, activity, amount):
        """A year-end mileage regularisation line of ``self.month`` (made by the
        module's own code in real life, hence as superuser)."""
        return self.env["cae.expense.line"].create(
            {
                "activity_id": activity.id,
                "category_id": self.cat_mileage.id,
                "date": self.month.replace(day=31),
                "amount_total": amount,
                "is_regularisation": True,
                "vat_rate": "0",
            }
        )

    def _approve(self, reports):
        reports.with_user(self.accountant).action_approve()
        return reports.sudo().move_id
