import base64

from odoo.tests import HttpCase, tagged

from .common import PNG_BYTES
from .expense_common import CaeExpenseCommon, CaeExpenseHttpMixin


class ExpensePortalCase(CaeExpenseCommon, CaeExpenseHttpMixin, HttpCase):
    """A line with its receipt for A and for B, each in its month's report."""

    def setUp(self):
        super().setUp()
        self.line_a = self._line(user=self.entrepreneur_a, amount_total=20.0)
        self.report_a = self.line_a.report_id
        self.receipt_a = self.line_a.with_user(self.entrepreneur_a)._attach_receipts(
            [("a.png", PNG_BYTES)]
        )
        self.line_b = self._line(activity=self.activity_b, amount_total=30.0)
        self.report_b = self.line_b.report_id
        self.receipt_b = self.line_b._attach_receipts([("b.png", PNG_BYTES)])


@tagged("post_install", "-at_install")
class TestExpensePortal(ExpensePortalCase):
    """The entrepreneur's expense pages over HTTP: access, uploads, CSRF, queries."""

    def test_pages(self):
        self._login(self.entrepreneur_a)
        response = self.url_open("/my/expenses")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Add an expense", response.text)
        self.assertIn(self.report_a.name, self.url_open(self.report_a.access_url).text)
        self.assertIn("My expenses", self.url_open("/my").text)
        response = self.url_open("/my/expenses/new?mileage=1")
        self.assertIn('name="distance_km"', response.text)

    def test_other_entrepreneur_unreachable(self):
        self._login(self.entrepreneur_a)
        self.assertEqual(
            self.url_open(f"/my/expenses/{self.report_b.id}").status_code, 404
        )
        self.assertEqual(self.url_open("/my/expenses/999999").status_code, 404)
        self.assertEqual(
            self.url_open(f"/my/expenses/receipts/{self.receipt_b.id}").status_code, 404
        )
        response = self._post(f"/my/expenses/lines/{self.line_b.id}/delete")
        self.assertEqual(response.status_code, 404)
        response = self._post(
            f"/my/expenses/lines/{self.line_b.id}/receipts",
            files={"receipts": ("x.png", PNG_BYTES, "image/png")},
        )
        self.assertEqual(response.status_code, 404)
        response = self._post(f"/my/expenses/{self.report_b.id}/submit")
        self.assertEqual(response.status_code, 404)
        # A forged activity id: not found (issue 8: 404 like any other id that is
        # not the user's, was a 400 form error), nothing written.
        response = self._new_expense(activity_id=self.activity_b.id)
        self.assertEqual(response.status_code, 404)
        self.assertTrue(self.line_b.exists())
        self.assertEqual(self.report_b.line_count, 1)
        self.assertEqual(self.report_b.state, "draft")

    def test_receipt_download(self):
        self._login(self.entrepreneur_a)
        response = self.url_open(f"/my/expenses/receipts/{self.receipt_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PNG_BYTES)
        # A non-receipt attachment is not served by this route.
        other = self.env["ir.attachment"].create({"name": "x", "raw": b"secret"})
        self.assertEqual(
            self.url_open(f"/my/expenses/receipts/{other.id}").status_code, 404
        )
        # Staff read receipts; an internal user without a CAE role does not.
        self._login(self.accountant)
        response = self.url_open(f"/my/expenses/receipts/{self.receipt_a.id}")
        self.assertEqual(response.content, PNG_BYTES)
        self._login(self.internal)
        self.assertEqual(
            self.url_open(f"/my/expenses/receipts/{self.receipt_a.id}").status_code, 404
        )

    def test_add_expense(self):
        self._login(self.entrepreneur_a)
        response = self._new_expense(
            files={"receipts": ("photo.jpg", PNG_BYTES, "image/png")}
        )
        self.assertEqual(response.status_code, 303)
        line = self.Line.search(
            [("activity_id", "=", self.activity_a.id), ("amount_total", "=", 12.5)]
        )
        self.assertEqual(line.report_id, self.report_a)
        self.assertEqual(line.receipt_count, 1)
        self.assertEqual(line.spent_by_id, self.partner_a)

    def test_upload_type_size_and_csrf(self):
        self._login(self.entrepreneur_a)
        count = self.Line.search_count([])
        response = self._new_expense(
            files={"receipts": ("receipt.pdf", b"not really a pdf", "application/pdf")}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("not of an accepted type", response.text)
        self.company.cae_upload_max_size_mb = 1
        big = PNG_BYTES + b"0" * (1024 * 1024)
        response = self._new_expense(files={"receipts": ("big.png", big, "image/png")})
        self.assertEqual(response.status_code, 400)
        self.assertIn("larger than 1 MB", response.text)
        response = self._post(
            "/my/expenses/new",
            {
                "activity_id": self.activity_a.id,
                "category_id": self.cat_supplies.id,
                "amount_total": "5",
            },
            csrf=False,
        )
        self.assertEqual(response.status_code, 400)
        for bad in (
            {"amount_total": "0"},
            {"amount_total": "-3"},
            {"date": "2099-01-01"},
        ):
            self.assertEqual(self._new_expense(**bad).status_code, 400, bad)
        self.assertEqual(self.Line.search_count([]), count)

    def test_submit_and_refused_report(self):
        self._login(self.entrepreneur_a)
        response = self._post(f"/my/expenses/{self.report_a.id}/submit")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.report_a.state, "submitted")
        response = self._post(f"/my/expenses/{self.report_a.id}/submit")
        self.assertEqual(response.status_code, 400)
        response = self._post(f"/my/expenses/lines/{self.line_a.id}/delete")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(self.line_a.exists())
        self._refuse(self.report_a, "Wrong VAT rate")
        page = self.url_open(self.report_a.access_url).text
        self.assertIn("Wrong VAT rate", page)
        self.assertIn("Submit my month", page)

    def _page_queries(self, report):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        response = self.url_open(report.access_url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def test_report_page_queries_do_not_grow(self):
        self._login(self.entrepreneur_a)
        self._page_queries(self.report_a)  # warms the caches up
        few = self._page_queries(self.report_a)
        for n in range(8):
            line = self._line(
                user=self.entrepreneur_a,
                amount_total=30.0 + n,
                category_id=(self.cat_supplies | self.cat_receptions)[n % 2].id,
            )
            line._attach_receipts([(f"r{n}.png", PNG_BYTES + bytes([n]))])
        trip = self._line(
            user=self.entrepreneur_a,
            category_id=self.cat_mileage.id,
            distance_km=30,
            trip_from="A",
            trip_to="B",
        )
        self.assertEqual(trip.report_id, self.report_a)
        many = self._page_queries(self.report_a)
        self.assertGreater(few, 0)
        self.assertLessEqual(many, few + 2)  # no query per line
        self.assertLessEqual(many, 80)

    def test_tour_add_expense_and_submit(self):
        self.start_tour(
            "/my/expenses", "cae_expense_portal", login="cae_entrepreneur_a"
        )
        report = self.Report.search(
            [
                ("activity_id", "=", self.activity_a.id),
                ("date", "=", self.report_a.date),
            ]
        )
        self.assertEqual(report.state, "submitted")
        self.assertEqual(report.line_count, 3)
        trip = report.line_ids.filtered("is_mileage")
        self.assertAlmostEqual(trip.amount_total, 63.60, 2)
        supplies = report.line_ids.filtered(lambda line: line.amount_total == 18.9)
        self.assertEqual(
            base64.b64decode(supplies.receipt_ids.datas),
            base64.b64decode(base64.b64encode(PNG_BYTES)),
        )
