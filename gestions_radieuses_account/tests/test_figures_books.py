"""The figures equal what the test computes itself from the invoices, payments,
credit note and vendor bill it makes, across a year boundary: at 23:30 UTC on
31 December the CAE's day (Paris) is already 1 January."""

from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import BaseCase, tagged

from ..tools.figure_chart import bar_chart
from .figures_common import CaeFiguresCommon

TODAY = date(2027, 1, 1)
# The rolling 12 months: February 2026 to today.
FIRST_MONTH = date(2026, 2, 1)
# What the figures may cost, whatever the number of invoices and entries.
QUERY_BUDGET = 16


@tagged("post_install", "-at_install")
class TestFiguresBooks(CaeFiguresCommon):
    freeze_time = "2026-12-31 23:30:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a, b = cls.activity_a, cls.activity_b
        cls.activity_a.contribution_rate = 10.0
        # (invoice, amount incl. VAT, day) of every payment made below.
        cls.payments = []
        cls.inv_last_year_day = cls._invoice(a, date(2026, 1, 1), 300.0)
        cls._paid(cls.inv_last_year_day, 360.0, date(2026, 1, 1))
        cls.inv_old = cls._invoice(a, date(2025, 12, 20), 400.0)
        cls._paid(cls.inv_old, 480.0, date(2026, 1, 10))
        cls.inv_march = cls._invoice(a, date(2026, 3, 10), 1000.0)
        cls._paid(cls.inv_march, 1200.0, date(2026, 4, 5))
        cls.inv_november = cls._invoice(a, date(2026, 11, 15), 2000.0)
        cls._paid(cls.inv_november, 600.0, date(2026, 12, 20))
        # A credit note set against November's invoice: no money collected.
        cls.refund = cls._invoice(a, date(2026, 6, 1), 100.0, refund=True)
        (cls.refund | cls.inv_november).line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).reconcile()
        # Invoiced on the CAE's new year's day, not due yet.
        cls.inv_today = cls._invoice(a, TODAY, 500.0, customer=cls.customer_2)
        cls.bill = cls._bill(
            a,
            date(2026, 5, 1),
            [(cls.account_purchases, 250.0), (cls.account_services, 100.0)],
        )
        cls.customer_docs = (
            cls.inv_last_year_day
            | cls.inv_old
            | cls.inv_march
            | cls.inv_november
            | cls.refund
            | cls.inv_today
        )
        # Activity B's books: never in A's figures.
        cls.inv_b = cls._invoice(b, date(2026, 9, 1), 5000.0)

    @classmethod
    def _paid(cls, invoice, amount, day):
        cls._pay(invoice, day, amount)
        cls.payments.append((invoice, amount, day))

    def _figures(self, activity=None, user=None):
        activity = activity or self.activity_a
        user = user or self.entrepreneur_a
        return activity.with_user(user).portal_figures()[activity.id]

    def test_cae_day(self):
        self.assertEqual(self.company._cae_today(), TODAY)
        for account, prefix in (
            (self.account_sales, "70"),
            (self.account_purchases, "60"),
            (self.account_services, "61"),
        ):
            self.assertTrue(account.code.startswith(prefix), account.code)

    def test_turnover(self):
        figures = self._figures()
        turnover = self._figure(figures, "turnover")
        docs = self.customer_docs
        expected = sum(
            m.amount_untaxed_signed for m in docs if FIRST_MONTH <= m.date <= TODAY
        )
        self.assertAlmostEqual(expected, 3400.0)
        self.assertAlmostEqual(turnover["value"], expected)
        self.assertEqual(turnover["last_date"], TODAY)
        # This year is one day old: 1 January against 1 January 2026.
        self.assertAlmostEqual(turnover["year_to_date"], 500.0)
        self.assertAlmostEqual(turnover["last_year_to_date"], 300.0)
        self.assertEqual(turnover["change_pct"], 66.7)
        months = {m["month"]: m["value"] for m in turnover["months"]}
        self.assertEqual(
            list(months), [FIRST_MONTH + relativedelta(months=i) for i in range(12)]
        )
        for month, value in months.items():
            expected = sum(
                m.amount_untaxed_signed for m in docs if m.date.replace(day=1) == month
            )
            self.assertAlmostEqual(value, expected, msg=str(month))
        self.assertAlmostEqual(months[date(2026, 6, 1)], -100.0)
        self.assertAlmostEqual(months[TODAY], 500.0)

    def test_collected(self):
        """Excluding VAT, prorated on what was paid, on the payment's day; a
        credit note set against an invoice collects nothing."""
        collected = self._figure(self._figures(), "collected")

        def excl_vat(invoice, amount):
            return amount * invoice.amount_untaxed / invoice.amount_total

        expected = sum(
            excl_vat(invoice, amount)
            for invoice, amount, day in self.payments
            if FIRST_MONTH <= day <= TODAY
        )
        self.assertAlmostEqual(expected, 1000.0 + 500.0)
        self.assertAlmostEqual(collected["value"], expected)
        self.assertEqual(collected["last_date"], date(2026, 12, 20))
        self.assertAlmostEqual(collected["year_to_date"], 0.0)
        last_year = sum(
            excl_vat(invoice, amount)
            for invoice, amount, day in self.payments
            if date(2026, 1, 1) <= day <= date(2026, 1, 1)
        )
        self.assertAlmostEqual(collected["last_year_to_date"], last_year)
        self.assertEqual(collected["change_pct"], -100.0)
        months = {m["month"]: m["value"] for m in collected["months"]}
        self.assertAlmostEqual(months[date(2026, 4, 1)], 1000.0)
        self.assertAlmostEqual(months[date(2026, 12, 1)], 500.0)

    def test_unpaid(self):
        unpaid = self._figure(self._figures(), "unpaid")
        # November: 2 400 incl. VAT, 600 paid, 120 of credit note set against it.
        november_due = self.inv_november.amount_total - 600.0 - self.refund.amount_total
        expected = november_due + self.inv_today.amount_total
        self.assertAlmostEqual(unpaid["value"], expected)
        self.assertAlmostEqual(unpaid["value"], 1680.0 + 600.0)
        self.assertEqual(
            [i["name"] for i in unpaid["invoices"]],
            [self.inv_november.name, self.inv_today.name],
        )
        late, not_due = unpaid["invoices"]
        self.assertAlmostEqual(late["amount_due"], november_due)
        self.assertEqual(late["partner"], "Boulangerie Durand")
        self.assertEqual(late["date_due"], date(2026, 11, 15))
        self.assertEqual(late["days_late"], (TODAY - date(2026, 11, 15)).days)
        self.assertEqual(not_due["days_late"], 0)
        self.assertEqual(not_due["partner"], "Mairie de Villeurbanne")
        self.assertEqual(unpaid["last_date"], TODAY)

    def test_charges_contribution_balance(self):
        figures = self._figures()
        self.assertAlmostEqual(
            self._figure(figures, "charges_purchases")["value"], 250.0
        )
        self.assertAlmostEqual(
            self._figure(figures, "charges_services")["value"], 100.0
        )
        self.assertEqual(
            self._figure(figures, "charges_purchases")["last_date"], date(2026, 5, 1)
        )
        self.assertAlmostEqual(self._figure(figures, "charges_taxes")["value"], 0.0)
        self.assertIsNone(self._figure(figures, "charges_taxes")["last_date"])
        turnover_12 = self._figure(figures, "turnover")["value"]
        contribution = self._figure(figures, "contribution")
        self.assertAlmostEqual(contribution["value"], 0.10 * turnover_12)
        # The balance: everything earned minus spent since the beginning, minus
        # the contribution on all that turnover.
        earned = sum(self.customer_docs.mapped("amount_untaxed_signed"))
        spent = self.bill.amount_untaxed
        balance = self._figure(figures, "balance")
        self.assertAlmostEqual(balance["value"], earned - spent - 0.10 * earned)
        self.assertAlmostEqual(balance["contribution"], 0.10 * earned)
        self.assertEqual(balance["last_date"], TODAY)

    def test_reimbursements(self):
        report = self._line(amount_total=48.0, date=TODAY).report_id
        report.action_submit()
        report.with_user(self.accountant).action_approve()
        self._line(activity=self.activity_b, amount_total=30.0, date=TODAY)
        reimbursements = self._figure(self._figures(), "reimbursements")
        self.assertAlmostEqual(reimbursements["value"], report.amount_residual)
        self.assertAlmostEqual(reimbursements["value"], 48.0)
        self.assertEqual(reimbursements["last_date"], TODAY)

    def test_other_activity_apart(self):
        figures_b = self._figures(self.activity_b, self.entrepreneur_b)
        self.assertAlmostEqual(self._figure(figures_b, "turnover")["value"], 5000.0)
        self.assertAlmostEqual(self._figure(figures_b, "collected")["value"], 0.0)
        self.assertEqual(
            [i["name"] for i in self._figure(figures_b, "unpaid")["invoices"]],
            [self.inv_b.name],
        )
        # Batched: both at once give the same as each alone.
        both = (
            (self.activity_a | self.activity_b).with_user(self.manager).portal_figures()
        )
        self.assertEqual(both[self.activity_b.id], figures_b)
        self.assertEqual(both[self.activity_a.id], self._figures())

    def test_other_company_entries_apart(self):
        """A CAE that shares its analytic accounts between companies: the entries
        of another company on the activity's account are not the activity's."""
        other = self.setup_other_company(name="CAE voisine")
        company = other["company"]
        self.activity_a.analytic_account_id.company_id = False
        Account = self.env["account.account"].with_company(company)
        sales = Account.search(
            [*Account._check_company_domain(company), ("code", "=like", "706%")],
            limit=1,
        )
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": date(2026, 10, 1),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Prestation",
                                "price_unit": 9000.0,
                                "account_id": sales.id,
                                "tax_ids": [Command.set(other["default_tax_sale"].ids)],
                                "analytic_distribution": self._distribution(
                                    self.activity_a
                                ),
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        self.assertEqual(move.company_id, company)
        self.assertTrue(move.line_ids.analytic_line_ids)
        figures = self._figures()
        self.assertAlmostEqual(self._figure(figures, "turnover")["value"], 3400.0)
        self.assertNotIn(
            move.name,
            [i["name"] for i in self._figure(figures, "unpaid")["invoices"]],
        )

    def test_figures_are_data(self):
        """A CAE changes a figure's accounts and its own figure replaces the
        shared one of the same code (#767)."""
        services = self.env.ref("gestions_radieuses_account.figure_charges_services")
        services.account_prefixes = "62"
        self.assertAlmostEqual(
            self._figure(self._figures(), "charges_services")["value"], 0.0
        )
        services.copy(
            {
                "company_id": self.company.id,
                "name": "Loyer et services",
                "account_prefixes": "61,62",
            }
        )
        own = self._figure(self._figures(), "charges_services")
        self.assertEqual(own["name"], "Loyer et services")
        self.assertAlmostEqual(own["value"], 100.0)
        codes = [f["code"] for f in self._figures()["figures"]]
        self.assertEqual(len(codes), len(set(codes)))

    def test_query_count_flat(self):
        """As many queries with 3 invoices more as with 30 more (and payments)."""
        activity = self.activity_b

        def count():
            figures = activity.with_user(self.entrepreneur_b)
            figures.portal_figures()  # warm-up: Odoo's caches of rights and views
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            figures.portal_figures()
            return self.cr.sql_log_count - before

        days = [date(2026, month, 10) for month in range(2, 13)]
        invoices = self._invoices(
            activity, [(days[i % 11], 100.0 + i) for i in range(3)]
        )
        self._pay(invoices[:2], date(2026, 12, 1))
        small = count()
        invoices = self._invoices(
            activity, [(days[i % 11], 100.0 + i) for i in range(30)]
        )
        self._pay(invoices[:20], date(2026, 12, 2))
        self._bill(activity, date(2026, 7, 1), [(self.account_services, 80.0)] * 10)
        large = count()
        self.assertEqual(small, large)
        self.assertLessEqual(large, QUERY_BUDGET)


class TestFigureChart(BaseCase):
    """The chart is geometry: bars up from the zero line, a negative month
    (a credit note) below it, every month labelled."""

    def test_bars(self):
        chart = bar_chart(
            ["janv", "févr", "mars"],
            [("o_cae_bar_1", [100.0, 0.0, -50.0]), ("o_cae_bar_2", [50.0, 0.0, 0.0])],
        )
        self.assertEqual(len(chart["bars"]), 6)
        self.assertEqual(
            [label["text"] for label in chart["labels"]], ["janv", "févr", "mars"]
        )
        first, second, _zero, _zero_2, negative, _third = chart["bars"]
        baseline = chart["baseline"]
        self.assertAlmostEqual(first["y"] + first["height"], baseline, places=1)
        self.assertAlmostEqual(first["height"], 2 * second["height"], places=1)
        self.assertEqual(negative["y"], baseline)
        self.assertAlmostEqual(negative["height"], second["height"], places=1)
        self.assertLess(first["x"], second["x"])
        self.assertTrue(
            all(bar["x"] + bar["width"] <= chart["width"] for bar in chart["bars"])
        )
