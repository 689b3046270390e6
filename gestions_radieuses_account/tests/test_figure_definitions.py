from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


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
