"""The support team's consolidated table (autonomie #575): its figures against
sums made here from the invoices and bills posted in the test, its flags, who
sees which rows, the export and the cost of the query."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.gestions_radieuses.tests.common import CaeCommon, CaeHttpMixin
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

TABLE = "cae.activity.consolidation"
CHARGES_PREFIXES = ("60", "61", "62", "63", "64", "65", "66", "67", "68")


@tagged("post_install", "-at_install")
class TestConsolidatedTable(AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("gestions_radieuses.group_manager")
        company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Autre CAE"})

        def user(login, groups, **values):
            return new_test_user(
                cls.env,
                login,
                groups=groups,
                company_id=values.get("company", company).id,
                company_ids=[Command.set(values.get("company", company).ids)],
            )

        cls.advisor = user("table_advisor", "gestions_radieuses.group_advisor")
        cls.advisor_2 = user("table_advisor_2", "gestions_radieuses.group_advisor")
        cls.accountant = user("table_accountant", "gestions_radieuses.group_accountant")
        cls.portal = user("table_portal", "base.group_portal")
        cls.other_manager = user(
            "table_other", "gestions_radieuses.group_manager", company=cls.other_company
        )
        Activity = cls.env["cae.activity"]
        cls.activity_a = Activity.create(
            {
                "name": "Atelier A",
                "entrepreneur_id": cls.portal.partner_id.id,
                "advisor_id": cls.advisor.id,
                "stage": "salaried",
                "contribution_rate": 10.0,
            }
        )
        cls.activity_b = Activity.create(
            {
                "name": "Boutique B",
                "entrepreneur_id": cls.env["res.partner"].create({"name": "B"}).id,
                "advisor_id": cls.advisor_2.id,
                "stage": "cape",
                "contribution_rate": 12.5,
            }
        )
        cls.activity_other = Activity.with_company(cls.other_company).create(
            {
                "name": "Ailleurs",
                "company_id": cls.other_company.id,
                "entrepreneur_id": cls.env["res.partner"]
                .create({"name": "C", "company_id": cls.other_company.id})
                .id,
            }
        )
        cls.income = cls.company_data["default_account_revenue"]
        cls.expense = cls.company_data["default_account_expense"]
        cls.moves = cls.env["account.move"]
        a, b = cls.activity_a, cls.activity_b
        for activity, move_type, day, amount in (
            (a, "out_invoice", "2025-01-01", 100.0),
            (a, "out_invoice", "2025-11-15", 300.0),
            (a, "out_invoice", "2025-11-16", 400.0),
            (a, "out_invoice", "2025-12-20", 50.0),
            (a, "out_invoice", "2026-01-01", 150.0),
            (a, "out_invoice", "2026-01-02", 1000.0),
            (a, "out_refund", "2026-03-01", 200.0),
            (a, "out_invoice", "2026-11-15", 500.0),
            (a, "out_invoice", "2026-11-16", 700.0),
            (a, "out_invoice", "2026-12-31", 80.0),
            (a, "out_invoice", "2027-01-01", 250.0),
            (a, "in_invoice", "2025-06-01", 100.0),
            (a, "in_invoice", "2026-06-01", 250.0),
            (a, "in_invoice", "2026-12-31", 40.0),
            (b, "out_invoice", "2026-04-10", 100.0),
            (b, "in_invoice", "2026-05-01", 900.0),
        ):
            cls.moves |= cls._post(activity, move_type, day, amount)

    @classmethod
    def _post(cls, activity, move_type, day, amount):
        """A posted invoice, refund or bill of one line, with VAT, on the
        activity's analytic account."""
        sale = move_type.startswith("out")
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.partner_a.id,
                "invoice_date": day,
                "date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Prestation" if sale else "Fournitures",
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": (cls.income if sale else cls.expense).id,
                            "tax_ids": [
                                Command.set(
                                    (cls.tax_sale_a if sale else cls.tax_purchase_a).ids
                                )
                            ],
                            "analytic_distribution": {
                                str(activity.analytic_account_id.id): 100
                            },
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    # -- sums made here, from the journal items, not from the analytic lines --
    def _sum(self, activity, start, end, prefixes, credit=True):
        total = 0.0
        for move in self.moves.filtered(
            lambda m: (
                m.invoice_line_ids.analytic_distribution
                == {str(activity.analytic_account_id.id): 100}
            )
        ):
            if not start <= move.date <= end:
                continue
            for line in move.line_ids:
                if line.account_id.code.startswith(prefixes):
                    total += -line.balance if credit else line.balance
        return round(total, 2)

    def _expected(self, activity, today, periods):
        """``periods``: this year's first day, last year's first and last
        days, the first day of the 12 months, written out by the test."""
        year_start, ly_start, ly_end, m12_start = periods
        turnover_12 = self._sum(activity, m12_start, today, ("70",))
        contribution = round(activity.contribution_rate * turnover_12 / 100, 2)
        return {
            "turnover_this_year": self._sum(activity, year_start, today, ("70",)),
            "turnover_last_year": self._sum(activity, ly_start, ly_end, ("70",)),
            "charges_this_year": self._sum(
                activity, year_start, today, CHARGES_PREFIXES, credit=False
            ),
            "charges_last_year": self._sum(
                activity, ly_start, ly_end, CHARGES_PREFIXES, credit=False
            ),
            "turnover_12_months": turnover_12,
            "contribution": contribution,
            # The contribution on all the turnover since the activity began.
            "balance": round(
                self._sum(activity, date(2000, 1, 1), today, ("6", "7"))
                - round(
                    activity.contribution_rate
                    * self._sum(activity, date(2000, 1, 1), today, ("70",))
                    / 100,
                    2,
                ),
                2,
            ),
        }

    def _row(self, activity, user=None):
        table = self.env[TABLE].with_user(user or self.accountant)
        rows = table.search_read([("activity_id", "=", activity.id)])
        self.assertEqual(len(rows), 1)
        return rows[0]

    def _assertRow(self, row, expected):
        for field, value in expected.items():
            self.assertAlmostEqual(row[field], value, places=2, msg=field)

    @freeze_time("2026-11-15 10:00:00")
    def test_figures_in_the_year(self):
        """This year to date against last year over the same months, to the day;
        an entry dated after today counts nowhere."""
        today = date(2026, 11, 15)
        # This year, last year's first and last days, the 12 months' first day.
        periods = (
            date(2026, 1, 1),
            date(2025, 1, 1),
            today.replace(2025),
            date(2025, 12, 1),
        )
        self.assertTrue(self.income.code.startswith("70"))
        self.assertTrue(self.expense.code.startswith("60"))
        expected = self._expected(self.activity_a, today, periods)
        # The same sums, written out: what the support team reads.
        self.assertEqual(expected["turnover_this_year"], 150 + 1000 - 200 + 500)
        self.assertEqual(expected["turnover_last_year"], 100 + 300)
        self.assertEqual(expected["turnover_12_months"], 50 + 1450)
        row = self._row(self.activity_a)
        self._assertRow(row, expected)
        self.assertAlmostEqual(row["turnover_change"], 262.5)
        self.assertAlmostEqual(row["charges_change"], 150.0)
        self.assertEqual(row["last_entry_date"], today)
        self.assertFalse(row["negative_balance"])
        self.assertFalse(row["no_recent_turnover"])
        self.assertEqual(row["entrepreneur_id"][0], self.portal.partner_id.id)
        self.assertEqual(row["advisor_id"][0], self.advisor.id)
        self.assertEqual(row["stage"], "salaried")

        row_b = self._row(self.activity_b)
        self._assertRow(
            row_b,
            self._expected(self.activity_b, today, periods),
        )
        self.assertAlmostEqual(row_b["balance"], 100 - 900 - 12.5)
        # The table and the entrepreneur's dashboard say the same.
        for activity, table_row in ((self.activity_a, row), (self.activity_b, row_b)):
            dashboard = {
                figure["code"]: figure["value"]
                for figure in activity._cae_figures(today)[activity.id]["figures"]
            }
            self.assertAlmostEqual(dashboard["balance"], table_row["balance"], 2)
            self.assertAlmostEqual(
                dashboard["contribution"], table_row["contribution"], 2
            )
            self.assertAlmostEqual(
                dashboard["turnover"], table_row["turnover_12_months"], 2
            )
        self.assertTrue(row_b["negative_balance"])
        # Last income on 10 April: nothing in August to November.
        self.assertTrue(row_b["no_recent_turnover"])
        self.assertFalse(row_b["turnover_last_year"])

        table = self.env[TABLE].with_user(self.accountant)
        self.assertEqual(
            table.search([("negative_balance", "=", True)]).activity_id,
            self.activity_b,
        )
        self.assertEqual(
            table.search([("no_recent_turnover", "=", True)]).activity_id,
            self.activity_b,
        )

    @freeze_time("2026-12-31 23:30:00")
    def test_year_boundary_in_paris(self):
        """At 23:30 UTC on 31 December it is already 1 January in the CAE: this
        year is the new one, last year its first day."""
        today = date(2027, 1, 1)
        expected = self._expected(
            self.activity_a,
            today,
            (
                date(2027, 1, 1),
                date(2026, 1, 1),
                date(2026, 1, 1),
                date(2026, 2, 1),
            ),
        )
        self.assertEqual(expected["turnover_this_year"], 250)
        self.assertEqual(expected["turnover_last_year"], 150)
        row = self._row(self.activity_a)
        self._assertRow(row, expected)
        self.assertAlmostEqual(row["turnover_change"], 66.7)
        self.assertEqual(row["charges_this_year"], 0)
        self.assertEqual(row["last_entry_date"], today)
        self.assertFalse(row["no_recent_turnover"])

    @freeze_time("2026-11-15 10:00:00")
    def test_company_figure_overrides_the_shared_one(self):
        """A company that redefines a figure (same code) replaces the shared one
        in its rows: the table follows the figures, as the dashboard does."""
        self.env["cae.figure"].create(
            {
                "code": "charges_purchases",
                "name": "Achats",
                "company_id": self.env.company.id,
                "kind": "accounts",
                "family": "charges",
                "account_prefixes": "61",
                "sign": "debit",
                "explanation": "Seulement les 61.",
            }
        )
        row = self._row(self.activity_a)
        self.assertEqual(row["charges_this_year"], 0)
        self.assertAlmostEqual(row["turnover_this_year"], 1450)

    @freeze_time("2026-11-15 10:00:00")
    def test_advisor_sees_their_entrepreneurs_first(self):
        table = self.env[TABLE].with_user(self.advisor)
        action = table._cae_table_action()
        self.assertEqual(action["context"], {"search_default_my_entrepreneurs": 1})
        mine = table.search([("advisor_id", "=", self.advisor.id)])
        self.assertEqual(mine.activity_id, self.activity_a)
        # The filter is removable: the whole company, not another company's.
        self.assertEqual(
            table.search([]).activity_id, self.activity_a | self.activity_b
        )
        accountant_action = table.with_user(self.accountant)._cae_table_action()
        self.assertNotIn(
            "search_default_my_entrepreneurs", accountant_action["context"]
        )

    @freeze_time("2026-11-15 10:00:00")
    def test_pivot_by_advisor(self):
        """The pivot and graph group the same rows: per advisor, the sums of
        their activities' rows."""
        table = self.env[TABLE].with_user(self.accountant)
        groups = table._read_group(
            [], ["advisor_id"], ["turnover_this_year:sum", "balance:sum"]
        )
        by_advisor = {
            advisor: (turnover, balance) for advisor, turnover, balance in groups
        }
        for activity in self.activity_a | self.activity_b:
            row = self._row(activity)
            turnover, balance = by_advisor[activity.advisor_id]
            self.assertAlmostEqual(turnover, row["turnover_this_year"])
            self.assertAlmostEqual(balance, row["balance"])

    @freeze_time("2026-11-15 10:00:00")
    def test_access(self):
        with self.assertRaises(AccessError):
            self.env[TABLE].with_user(self.portal).search_read([])
        other = self.env[TABLE].with_user(self.other_manager).search([])
        self.assertEqual(other.activity_id, self.activity_other)
        for user in (self.advisor, self.accountant):
            rows = self.env[TABLE].with_user(user).search([])
            self.assertNotIn(self.activity_other, rows.activity_id)
            with self.assertRaises(AccessError):
                rows.browse(self.activity_other.id).with_user(user).read(["balance"])
        # Read only, for everyone.
        with self.assertRaises(AccessError):
            self.env[TABLE].with_user(self.accountant).create({"name": "x"})

    def test_no_company_day_nor_plan(self):
        """The query holds with no company and no plan to read (a CAE that has
        just installed the module has no activity yet): nothing is counted."""
        table = self.env[TABLE].with_user(self.accountant)
        nothing = (self.env["res.company"], self.env["account.analytic.plan"])
        with patch.object(
            type(table), "_activity_companies_and_plans", lambda _self: nothing
        ):
            rows = table.search_read([], ["turnover_this_year", "balance"])
        self.assertTrue(rows)
        self.assertFalse(
            any(row["turnover_this_year"] or row["balance"] for row in rows)
        )

    @freeze_time("2026-11-15 10:00:00")
    def test_export(self):
        """The list's export: what the support team takes to a spreadsheet."""
        table = self.env[TABLE].with_user(self.accountant)
        fields = [
            "name",
            "entrepreneur_id",
            "advisor_id",
            "stage",
            "turnover_this_year",
            "turnover_last_year",
            "turnover_change",
            "charges_this_year",
            "balance",
            "negative_balance",
            "no_recent_turnover",
            "last_entry_date",
        ]
        data = table.search([("activity_id", "=", self.activity_a.id)]).export_data(
            fields
        )["datas"]
        self.assertEqual(len(data), 1)
        self.assertEqual(data[0][0], "Atelier A")
        self.assertAlmostEqual(data[0][4], 1450)
        self.assertAlmostEqual(data[0][5], 400)

    @freeze_time("2026-11-15 10:00:00")
    def test_query_count_flat_in_activities(self):
        """One query for the table, whatever the number of activities and
        entries: the same budget with 2 activities and with 12."""
        table = self.env[TABLE].with_user(self.accountant)
        fields = list(table._fields)

        def measure():
            self.env.invalidate_all()
            with self.assertQueryCount(10):
                rows = table.search_read([], fields)
            return rows

        table.search_read([], fields)  # warm the registry's caches (rules, plans)
        self.assertEqual(len(measure()), 2)
        for index in range(10):
            activity = self.env["cae.activity"].create(
                {
                    "name": f"Activité {index}",
                    "entrepreneur_id": self.env["res.partner"]
                    .create({"name": f"E{index}"})
                    .id,
                    "advisor_id": (self.advisor | self.advisor_2)[index % 2].id,
                }
            )
            for day in ("2026-02-03", "2026-05-06", "2026-09-10"):
                self.moves |= self._post(activity, "out_invoice", day, 100.0 + index)
            self._post(activity, "in_invoice", "2026-07-01", 30.0)
        self.assertEqual(len(measure()), 12)


@tagged("post_install", "-at_install")
class TestConsolidatedTableRpc(CaeHttpMixin, HttpCase, CaeCommon):
    def test_portal_refused_over_json_rpc(self):
        """An entrepreneur reads nothing of the table, whatever the method."""
        self._login(self.entrepreneur_a)
        for method, args, kwargs in (
            ("search_read", [[]], {}),
            ("web_search_read", [[]], {"specification": {"balance": {}}}),
            ("read", [[self.activity_a.id], ["balance"]], {}),
            ("read_group", [[], ["balance:sum"], []], {}),
        ):
            self.assertRefused(TABLE, method, args, **kwargs)
        # The advisor of the same CAE reads it through the same route.
        self._login(self.advisor)
        rows = self.rpc(TABLE, "search_read", [[]], fields=["name"])
        self.assertIn("Activity A", [row["name"] for row in rows])
