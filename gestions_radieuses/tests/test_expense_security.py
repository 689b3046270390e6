"""Issue 8: expenses are safe from any portal call, over the pages or JSON-RPC.

Each test below failed on the code before issue 8 (the finding it closes is named).
"""

import base64

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from ..tools import guess_upload_mimetype
from .common import PDF_BYTES, PNG_BYTES
from .expense_common import CaeExpenseCommon, CaeExpenseHttpMixin

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 32


class ExpenseSecurityCommon(CaeExpenseCommon):
    """Entrepreneur A's expense and trip, and entrepreneur B's expense."""

    def setUp(self):
        super().setUp()
        self.line = self._line(user=self.entrepreneur_a, amount_total=20.0)
        self.trip = self._line(
            user=self.entrepreneur_a,
            category_id=self.cat_mileage.id,
            distance_km=46,
            trip_from="Lyon",
            trip_to="Vienne",
            name="Client",
        )
        self.line_b = self._line(activity=self.activity_b, amount_total=30.0)


@tagged("post_install", "-at_install")
class TestExpenseModelSecurity(ExpenseSecurityCommon):
    """The model refuses forged values whoever calls, and the entrepreneur's methods
    check caller, ownership and state."""

    def test_computed_and_related_fields_not_writable(self):
        """Findings 1 and 3: is_mileage, amount_untaxed, state written directly."""
        for user in (self.entrepreneur_a, self.accountant, self.manager):
            for line, vals in (
                (self.trip, {"is_mileage": False, "amount_total": 999}),
                (self.line, {"amount_untaxed": 5000}),
                (self.line, {"state": "approved"}),
                (self.line, {"report_id": self.line_b.report_id.id}),
                (self.line, {"company_id": self.company_2.id}),
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                    self.cr.savepoint(),
                ):
                    line.with_user(user).write(vals)
        self.assertTrue(self.trip.is_mileage)
        self.assertAlmostEqual(self.trip.amount_total, 29.26, 2)  # 46 × 0.636
        self.assertAlmostEqual(self.line.amount_untaxed, 16.67, 2)
        self.assertEqual(self.line.state, "draft")
        # The fields say so to the views too.
        for name in ("is_mileage", "amount_untaxed", "state", "company_id"):
            self.assertTrue(self.Line._fields[name].readonly, name)

    def test_report_state_only_through_its_methods(self):
        report = self.line.report_id
        for vals in (
            {"state": "approved"},
            {"amount_paid": 20.0},
            {"amount_total": 1.0},
            {"submitted_by_id": self.accountant.id},
        ):
            with self.assertRaises(UserError), self.cr.savepoint():
                report.with_user(self.accountant).with_context(
                    cae_expense_transition=True
                ).write(vals)
        self.assertEqual(report.state, "draft")

    def test_line_not_moved_to_another_activity(self):
        """Finding 2: a line moved into another entrepreneur's report."""
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.line.with_user(self.entrepreneur_a).write(
                {"activity_id": self.activity_b.id, "spent_by_id": False}
            )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.line_b.with_user(self.entrepreneur_a).portal_correct_expense(
                amount_total=1.0
            )
        self.assertEqual(self.line.activity_id, self.activity_a)
        self.assertEqual(self.line_b.amount_total, 30.0)
        self.assertEqual(self.line_b.report_id.line_count, 1)

    def test_entrepreneur_methods_check_owner_and_state(self):
        Line = self.Line.with_user(self.entrepreneur_a)
        # Another entrepreneur's activity, line, or a line of a submitted report.
        with self.assertRaises(AccessError):
            Line.portal_add_expense(
                self.activity_b.id, self.cat_supplies.id, amount_total=5.0
            )
        for method, args in (
            ("portal_correct_expense", {"amount_total": 1.0}),
            ("portal_add_receipts", {"receipts": [("r.png", PNG_BYTES)]}),
            ("portal_remove_expense", {}),
        ):
            with self.assertRaises(AccessError), self.cr.savepoint():
                getattr(self.line_b.with_user(self.entrepreneur_a), method)(**args)
        # Staff are not the entrepreneur: they use the back office.
        with self.assertRaises(AccessError):
            self.Line.with_user(self.accountant).portal_add_expense(
                self.activity_a.id, self.cat_supplies.id, amount_total=5.0
            )
        # Ids that are not ids.
        for activity_id in (0, -1, 2**40, "1", None, True):
            with self.assertRaises(UserError), self.cr.savepoint():
                Line.portal_add_expense(
                    activity_id, self.cat_supplies.id, amount_total=5.0
                )
        self.assertEqual(self.line_b.amount_total, 30.0)
        self.assertTrue(self.line_b.receipt_missing)

    def test_correct_in_place(self):
        line = self.line.with_user(self.entrepreneur_a)
        line.portal_correct_expense(
            amount_total=24.0, name="Paper", category_id=self.cat_receptions.id
        )
        self.assertEqual(self.line.amount_total, 24.0)
        self.assertEqual(self.line.category_id, self.cat_receptions)
        self.assertEqual(self.line.name, "Paper")
        # VAT corrected to the receipt's, within 0 and the amount including VAT.
        line.portal_correct_expense(amount_vat=3.0)
        self.assertEqual(self.line.amount_vat, 3.0)
        self.assertAlmostEqual(self.line.amount_untaxed, 21.0, 2)
        for vat in (-1.0, 24.01):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                line.portal_correct_expense(amount_vat=vat)
        self.assertEqual(self.line.amount_vat, 3.0)
        # A purchase does not become a trip.
        with self.assertRaises(ValidationError):
            line.portal_correct_expense(category_id=self.cat_mileage.id)
        # A trip's amount stays the scale's.
        self.trip.with_user(self.entrepreneur_a).portal_correct_expense(
            distance_km=10, amount_total=999
        )
        self.assertAlmostEqual(self.trip.amount_total, 6.36, 2)

    def test_vat_bounded_whoever_writes(self):
        """VAT above the amount or negative was accepted when written alone."""
        for vat in (-0.01, 20.01, 500.0):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.line.with_user(self.accountant).write({"amount_vat": vat})
        self.line.with_user(self.accountant).write({"amount_vat": 20.0})
        self.assertEqual(self.line.amount_untaxed, 0.0)

    def test_remove_line(self):
        self.line.with_user(self.entrepreneur_a).portal_remove_expense()
        self.assertFalse(self.line.exists())

    def test_add_expense_is_idempotent(self):
        """Finding 7: the same form posted three times gave three lines."""
        Line = self.Line.with_user(self.entrepreneur_a)
        lines = [
            Line.portal_add_expense(
                self.activity_a.id,
                self.cat_supplies.id,
                date=str(self.today),
                amount_total=12.5,
                token="form-1",
            )
            for _ in range(3)
        ]
        self.assertEqual(len(set(lines)), 1)
        self.assertEqual(
            self.Line.search_count([("amount_total", "=", 12.5)]), 1, "one line"
        )
        # Another user's token is not a way to their line.
        with self.assertRaises(AccessError):
            self.Line.with_user(self.entrepreneur_b).portal_add_expense(
                self.activity_b.id, self.cat_supplies.id, amount_total=1, token="form-1"
            )

    def test_five_receipts_per_line(self):
        """Finding 7: the five-receipt cap was per request, not per line."""
        line = self.line.with_user(self.entrepreneur_a)
        line.portal_add_receipts(
            [(f"r{n}.png", PNG_BYTES + bytes([n])) for n in range(3)]
        )
        with self.assertRaises(ValidationError):
            line.portal_add_receipts(
                [(f"s{n}.png", PNG_BYTES + bytes([9 + n])) for n in range(3)]
            )
        line.portal_add_receipts([("s.pdf", PDF_BYTES), ("t.jpg", JPEG_BYTES)])
        self.line.invalidate_recordset()
        self.assertEqual(self.line.receipt_count, 5)
        with self.assertRaises(ValidationError):
            line.portal_add_receipts([("u.png", PNG_BYTES)])

    def test_receipt_type_from_content(self):
        """Finding 7: a receipt's type was taken from its file name."""
        self.assertEqual(guess_upload_mimetype(PDF_BYTES), "application/pdf")
        self.assertEqual(guess_upload_mimetype(PNG_BYTES), "image/png")
        self.assertEqual(guess_upload_mimetype(JPEG_BYTES), "image/jpeg")
        self.assertEqual(guess_upload_mimetype(HEIC_BYTES), "image/heic")
        for data in (b"", b"GIF89a....", b"<svg xmlns='x'/>", b"PK\x03\x04zip"):
            self.assertEqual(guess_upload_mimetype(data), "application/octet-stream")
        line = self.line.with_user(self.entrepreneur_a)
        line.portal_add_receipts([("photo.jpg", PNG_BYTES)])
        receipt = self.env["ir.attachment"].search(
            [("res_model", "=", "cae.expense.line"), ("res_id", "=", self.line.id)]
        )
        self.assertEqual(receipt.name, "photo.jpg")
        self.assertEqual(receipt.mimetype, "image/png")
        for name, data in (
            ("scan.pdf", b"<html><script>alert(1)</script></html>"),
            ("photo.png", b"GIF89a" + b"\x00" * 20),
        ):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                line.portal_add_receipts([(name, data)])
        # Not a list of files (a JSON-RPC caller sends anything): a clean message.
        for receipts in (5, "a.pdf", {"a.pdf": "x"}):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                line.portal_add_receipts(receipts)
        # Base64 text (a JSON-RPC caller) is decoded and checked the same way.
        line.portal_add_receipts([("a.pdf", base64.b64encode(PDF_BYTES).decode())])
        self.line.invalidate_recordset()
        self.assertEqual(self.line.receipt_count, 2)

    def test_duplicates_only_among_own_lines(self):
        """Finding 6: duplicate_line_ids listed other entrepreneurs' lines."""
        self.line.with_user(self.entrepreneur_a).portal_add_receipts(
            [("r.png", PNG_BYTES)]
        )
        self.line_b._attach_receipts([("r.png", PNG_BYTES)])
        own = self._line(user=self.entrepreneur_a, amount_total=20.0)
        self.env.invalidate_all()
        # Staff first: what they see is not served from the cache to the entrepreneur.
        staff = self.line.with_user(self.accountant)
        self.assertEqual(staff.duplicate_line_ids, own | self.line_b)
        self.assertIn("same receipt file", staff.duplicate_reason)
        mine = self.line.with_user(self.entrepreneur_a)
        self.assertEqual(mine.duplicate_line_ids, own)
        self.assertNotIn("same receipt file", mine.duplicate_reason)
        self.assertEqual(mine.report_id.duplicate_count, 2)  # self.line and own

    def test_round_trip_not_duplicate(self):
        back = self._line(
            user=self.entrepreneur_a,
            category_id=self.cat_mileage.id,
            distance_km=46,
            trip_from="Vienne",
            trip_to="Lyon",
            name="Client",
        )
        # The same distance, within a cent: each trip is priced at its place in the
        # year, f(K + d) − f(K) with f rounded, so that the year adds up exactly.
        self.assertLessEqual(abs(back.amount_total - self.trip.amount_total), 0.011)
        (back | self.trip).invalidate_recordset()
        self.assertFalse(back.duplicate_line_ids)
        self.assertFalse(self.trip.duplicate_line_ids)
        again = self._line(
            user=self.entrepreneur_a,
            category_id=self.cat_mileage.id,
            distance_km=46,
            trip_from="Lyon",
            trip_to="Vienne",
            name="Client",
        )
        self.trip.invalidate_recordset()
        self.assertEqual(self.trip.duplicate_line_ids, again)

    def test_partial_payment(self):
        report = self.line.report_id
        report.action_submit()
        report.with_user(self.accountant).action_approve()
        total = report.amount_total
        self._register_payment(report, 10.0)
        self.assertEqual(report.state, "partial")
        self.assertAlmostEqual(report.amount_residual, total - 10.0, 2)
        wizard = (
            self.env["cae.expense.payment.wizard"]
            .with_user(self.accountant)
            .create({"report_ids": [Command.set(report.ids)]})
        )
        self.assertAlmostEqual(wizard.amount_residual, total - 10.0, 2)
        # Proposed at once: what remains (issue 9).
        self.assertAlmostEqual(wizard.amount, total - 10.0, 2)
        self._register_payment(report)
        self.assertEqual(report.state, "paid")
        self.assertAlmostEqual(report.amount_paid, total, 2)
        self.assertAlmostEqual(report.amount_residual, 0.0, 2)

    def test_payment_dated_between_the_month_and_today(self):
        """Outside test (issue 10): a payment dated 31/12/9999 (or 1900) was
        recorded, and the entrepreneur read it on the portal."""
        report = self.line.report_id
        report.action_submit()
        report.with_user(self.accountant).action_approve()
        today = report.company_id._cae_today()
        for day in ("9999-12-31", "1900-01-01", today + relativedelta(days=1)):
            with self.subTest(day=day), self.assertRaises(UserError):
                report.with_user(self.accountant)._do_register_payment(date=day)
        self.assertEqual(report.state, "approved")
        self.assertFalse(report.payment_date)
        report.with_user(self.accountant)._do_register_payment(date=today)
        self.assertEqual(report.payment_date, today)

    def test_negative_report_settled_by_repayment(self):
        report = self.line.report_id
        self.Line.create(
            {
                "activity_id": self.activity_a.id,
                "category_id": self.cat_mileage.id,
                "date": self.line.date,
                "amount_total": -100.0,
                "is_regularisation": True,
                "vat_rate": "0",
            }
        )
        report.action_submit()
        report.with_user(self.accountant).action_approve()
        owed = -report.amount_residual
        self.assertGreater(owed, 0)
        wizard = (
            self.env["cae.expense.payment.wizard"]
            .with_user(self.accountant)
            .create({"report_ids": report.ids, "amount": 10.0})
        )
        self.assertTrue(wizard.is_repayment)
        wizard.action_pay()
        self.assertEqual(report.state, "partial")
        self.assertAlmostEqual(report.amount_repaid, 10.0, 2)
        self.assertAlmostEqual(report.amount_residual, -(owed - 10.0), 2)
        with self.assertRaises(UserError):
            self._register_payment(report, owed)
        self._register_payment(report)
        self.assertEqual(report.state, "paid")
        self.assertAlmostEqual(report.amount_residual, 0.0, 2)
        self.assertEqual(report.amount_paid, 0.0)


@tagged("post_install", "-at_install")
class TestExpenseRpcSecurity(ExpenseSecurityCommon, CaeExpenseHttpMixin, HttpCase):
    """The hostile entrepreneur of issue 8, over the real JSON-RPC route and the
    pages: every attempt refused, the database unchanged."""

    def setUp(self):
        super().setUp()
        self.line_b._attach_receipts([("b.png", PNG_BYTES)])
        self.line_b.report_id.action_submit()
        self._login(self.entrepreneur_a)

    def _snapshot(self):
        self.env.invalidate_all()
        lines = self.Line.search([])
        return {
            line.id: (
                line.activity_id.id,
                line.report_id.id,
                line.amount_total,
                line.amount_untaxed,
                line.is_mileage,
                line.state,
            )
            for line in lines
        }, {r.id: (r.state, r.amount_total) for r in self.Report.search([])}

    def _refused(self, model, method, args, **kwargs):
        before = self._snapshot()
        with self.assertRaises(JsonRpcException, msg=f"{method} {args}"):
            self.rpc(model, method, args, **kwargs)
        self.assertEqual(self._snapshot(), before)

    def test_rpc_findings(self):
        line = "cae.expense.line"
        contexts = ({}, {"cae_mileage_update": True, "cae_expense_transition": True})
        for context in contexts:
            # 1. A trip's amount set by hand.
            self._refused(
                line,
                "write",
                [[self.trip.id], {"is_mileage": False, "amount_total": 999}],
                context=context,
            )
            # 2. A line moved into another entrepreneur's (submitted) report.
            self._refused(
                line,
                "write",
                [
                    [self.line.id],
                    {
                        "activity_id": self.activity_b.id,
                        "spent_by_id": False,
                        "date": str(self.line_b.date),
                    },
                ],
                context=context,
            )
            # 3. Computed amounts and states written directly.
            self._refused(
                line,
                "write",
                [[self.line.id], {"amount_untaxed": 5000}],
                context=context,
            )
            self._refused(
                line, "write", [[self.line.id], {"state": "approved"}], context=context
            )
            self._refused(
                "cae.expense.report",
                "write",
                [[self.line.report_id.id], {"state": "approved"}],
                context=context,
            )
            # The generic ORM is closed: create, unlink.
            self._refused(
                line,
                "create",
                [
                    {
                        "activity_id": self.activity_a.id,
                        "category_id": self.cat_supplies.id,
                        "amount_total": 5.0,
                    }
                ],
                context=context,
            )
            self._refused(line, "unlink", [[self.line.id]], context=context)
            # The entrepreneur's methods on another entrepreneur's records.
            self._refused(
                line,
                "portal_add_expense",
                [self.activity_b.id, self.cat_supplies.id],
                amount_total=5.0,
                context=context,
            )
            self._refused(
                line,
                "portal_correct_expense",
                [[self.line_b.id]],
                amount_total=1.0,
                context=context,
            )
            self._refused(
                line, "portal_remove_expense", [[self.line_b.id]], context=context
            )
            self._refused(
                "cae.expense.report",
                "action_submit",
                [[self.line_b.report_id.id]],
                context=context,
            )
            # Ids out of range answer an error, not a crash.
            self._refused(
                line,
                "portal_add_expense",
                [99999999999999999999, self.cat_supplies.id],
                amount_total=5.0,
                context=context,
            )

    def test_rpc_duplicates_reveal_nothing(self):
        """6. duplicate_line_ids listed other entrepreneurs' line ids."""
        self.rpc(
            "cae.expense.line",
            "portal_add_receipts",
            [[self.line.id], [["same.png", base64.b64encode(PNG_BYTES).decode()]]],
        )
        rows = self.rpc(
            "cae.expense.line",
            "read",
            [[self.line.id], ["duplicate_line_ids", "duplicate_reason"]],
        )
        self.assertEqual(rows[0]["duplicate_line_ids"], [])
        self.assertFalse(rows[0]["duplicate_reason"])

    def test_rpc_entrepreneur_actions_work(self):
        """What the entrepreneur may do works over JSON-RPC too, once per token."""
        for _ in range(2):
            self.rpc(
                "cae.expense.line",
                "portal_add_expense",
                [self.activity_a.id, self.cat_supplies.id],
                date=str(self.today),
                amount_total=7.5,
                amount_vat=1.0,
                token="rpc-token",
            )
        added = self.Line.search([("amount_total", "=", 7.5)])
        self.assertEqual(len(added), 1)
        self.assertEqual(added.amount_vat, 1.0)
        self.assertEqual(added.spent_by_id, self.partner_a)
        self.assertEqual(added.create_uid, self.entrepreneur_a)
        self.rpc(
            "cae.expense.line", "portal_correct_expense", [added.ids], amount_total=8.0
        )
        self.rpc("cae.expense.line", "portal_remove_expense", [added.ids])
        self.assertFalse(added.exists())

    # ------------------------------------------------------------------
    # The pages
    # ------------------------------------------------------------------
    def test_huge_and_unknown_ids_are_404(self):
        """7. A huge id in the expense form answered HTTP 500."""
        count = self.Line.search_count([])
        huge = "99999999999999999999"
        for extra in (
            {"category_id": huge},
            {"activity_id": huge},
            {"category_id": "2147483648"},
            {"category_id": "12abc"},
            {"activity_id": self.activity_b.id},
        ):
            with self.subTest(extra=extra):
                self.assertEqual(self._new_expense(**extra).status_code, 404)
        for url in (
            f"/my/expenses/{huge}",
            f"/my/expenses/receipts/{huge}",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        for url in (
            f"/my/expenses/lines/{huge}/delete",
            f"/my/expenses/{huge}/submit",
        ):
            self.assertEqual(self._post(url).status_code, 404, url)
        self.assertEqual(self.Line.search_count([]), count)

    def test_form_sent_three_times_adds_one_line(self):
        """7. The same form posted three times gave three identical lines."""
        page = self.url_open("/my/expenses/new").text
        self.assertIn('name="submission_token"', page)
        token = page.split('name="submission_token" value="')[1].split('"')[0]
        self.assertGreaterEqual(len(token), 32)
        for _ in range(3):
            response = self._new_expense(submission_token=token)
            self.assertEqual(response.status_code, 303)
        self.assertEqual(self.Line.search_count([("amount_total", "=", 12.5)]), 1)
        # Another form (another token) is another expense.
        self._new_expense(submission_token=token + "x")
        self.assertEqual(self.Line.search_count([("amount_total", "=", 12.5)]), 2)

    def test_receipts_capped_per_line_and_per_request(self):
        """7. 13 receipts and 50 MB on one line, five at a time."""
        files = [
            ("receipts", (f"r{n}.png", PNG_BYTES + bytes([n]), "image/png"))
            for n in range(4)
        ]
        url = f"/my/expenses/lines/{self.line.id}/receipts"
        self.assertEqual(self._post(url, files=files).status_code, 303)
        response = self._post(url, files=files)
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 5 receipts", response.text)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.receipt_count, 4)
        # A total size cap per request, each file being under the file cap.
        self.company.cae_upload_max_size_mb = 15
        big = PDF_BYTES + b"0" * (11 * 1024 * 1024)
        response = self._new_expense(
            files=[
                ("receipts", ("a.pdf", big, "application/pdf")),
                ("receipts", ("b.pdf", big + b"1", "application/pdf")),
            ]
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 20 MB", response.text)
        self.assertFalse(self.Line.search_count([("amount_total", "=", 12.5)]))
