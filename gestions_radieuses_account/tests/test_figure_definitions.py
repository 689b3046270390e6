from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFigureDefinitions(TransactionCase):
    def test_default_french_set(self):
        """The default set is there, one figure per code, every explanation given."""
        figures = self.env["cae.figure"].search([("company_id", "=", False)])
        codes = figures.mapped("code")
        self.assertEqual(len(codes), len(set(codes)))
        for code in ("turnover", "collected", "unpaid", "reimbursements", "balance"):
            self.assertIn(code, codes)
        self.assertTrue(all(figures.mapped("explanation")))
        turnover = figures.filtered(lambda f: f.code == "turnover")
        self.assertEqual(turnover._prefixes(), ["70"])

    def test_prefixes_are_digits(self):
        figure = self.env.ref("gestions_radieuses_account.figure_charges_services")
        with self.assertRaises(ValidationError):
            figure.account_prefixes = "61, six"
        with self.assertRaises(ValidationError):
            figure.account_prefixes = ""
        figure.account_prefixes = " 61 , 62,623"
        self.assertEqual(figure._prefixes(), ["61", "62", "623"])

    def test_a_company_s_figures_are_its_own(self):
        """Outside test (issue 10): a manager of company A read, changed, made and
        deleted company B's figures (its dashboards and consolidated table)."""
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "CAE B"})
        manager_a = new_test_user(
            self.env,
            "cae_figures_manager_a",
            groups="gestions_radieuses.group_manager",
            company_id=company_a.id,
            company_ids=[Command.set(company_a.ids)],
        )
        figure_b = self.env["cae.figure"].create(
            {
                "code": "turnover",
                "name": "Chiffre d'affaires de B",
                "explanation": "B",
                "account_prefixes": "70",
                "sign": "credit",
                "family": "turnover",
                "company_id": company_b.id,
            }
        )
        Figure = self.env["cae.figure"].with_user(manager_a)
        self.assertNotIn(figure_b, Figure.search([]))
        self.assertIn(
            self.env.ref("gestions_radieuses_account.figure_turnover"),
            Figure.search([]),
        )
        with self.assertRaises(AccessError):
            figure_b.with_user(manager_a).read(["explanation"])
        with self.assertRaises(AccessError):
            figure_b.with_user(manager_a).write({"account_prefixes": "6"})
        with self.assertRaises(AccessError):
            figure_b.with_user(manager_a).unlink()
        with self.assertRaises(AccessError):
            Figure.create(
                {
                    "code": "balance",
                    "name": "x",
                    "explanation": "x",
                    "account_prefixes": "6",
                    "company_id": company_b.id,
                }
            )
        self.assertEqual(figure_b.account_prefixes, "70")
