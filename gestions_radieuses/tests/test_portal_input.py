"""What outside testers playing a hostile entrepreneur got through (issues 8, 12).

Over JSON-RPC with the demo logins, nothing of another entrepreneur's leaked or
changed; these did: absurd amounts on one's own expense, Python errors (with their
traceback) instead of a clear message on badly typed values, and validity dates of
1900 and 2999 on one's own document. Each is refused here with a translated message
and leaves nothing behind.
"""

import base64

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import PDF_BYTES, CaeHttpMixin
from .expense_common import CaeExpenseCommon

# The exceptions an entrepreneur may be answered with: Odoo's, each with a message.
CLEAN_ERRORS = (
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.UserError",
    "odoo.addons.gestions_radieuses.tools.form_errors.CaeFormError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
)


class PortalInputCase(CaeExpenseCommon, CaeHttpMixin, HttpCase):
    """Entrepreneur A logged in, with one expense; calls that must be refused
    with a message and leave nothing behind."""

    def setUp(self):
        super().setUp()
        self.line_a = self._line(user=self.entrepreneur_a, amount_total=20.0)
        self._login(self.entrepreneur_a)

    def _call(self, model, method, args, kwargs=None):
        """The error's class name over JSON-RPC (None when the call went through)."""
        try:
            self.rpc(model, method, args, **(kwargs or {}))
        except JsonRpcException as error:
            return error.args[0] if error.args else str(error)
        finally:
            self.env.invalidate_all()
        return None

    def _assert_refused_cleanly(self, model, method, args, kwargs=None):
        lines = self.Line.search_count([])
        amount = self.line_a.amount_total
        error = self._call(model, method, args, kwargs)
        self.assertIn(error, CLEAN_ERRORS, f"{method}{args} {kwargs}")
        self.assertEqual(self.Line.search_count([]), lines)
        self.assertEqual(self.line_a.amount_total, amount)


@tagged("post_install", "-at_install")
class TestPortalInput(PortalInputCase):
    def test_absurd_amounts_refused(self):
        """1e15 € on one's own expense was accepted, then submitted."""
        for amount in (1e15, 100000.01):
            self._assert_refused_cleanly(
                "cae.expense.line",
                "portal_add_expense",
                [self.activity_a.id, self.cat_supplies.id],
                {"amount_total": amount},
            )
            self._assert_refused_cleanly(
                "cae.expense.line",
                "portal_correct_expense",
                [self.line_a.ids],
                {"amount_total": amount},
            )
        # A large but plausible purchase still goes through.
        self.assertIsNone(
            self._call(
                "cae.expense.line",
                "portal_correct_expense",
                [self.line_a.ids],
                {"amount_total": 4999.0},
            )
        )
        self.assertEqual(self.line_a.amount_total, 4999.0)

    def test_badly_typed_values_get_a_message(self):
        """Strings, lists, infinities and bad dates were Python errors with a
        traceback; they are messages now."""
        add = [self.activity_a.id, self.cat_supplies.id]
        for kwargs in (
            {"amount_total": "abc"},
            {"amount_total": [1, 2]},
            {"amount_total": 1e308},
            {"amount_total": 10, "date": "not-a-date"},
            {"amount_total": 10, "amount_vat": "x"},
        ):
            self._assert_refused_cleanly(
                "cae.expense.line", "portal_add_expense", add, kwargs
            )
            self._assert_refused_cleanly(
                "cae.expense.line", "portal_correct_expense", [self.line_a.ids], kwargs
            )

    def test_one_record_at_a_time(self):
        """Two ids where one is expected answered "Expected singleton"."""
        line_b = self._line(activity=self.activity_b, amount_total=5.0)
        self._assert_refused_cleanly(
            "cae.expense.line",
            "portal_correct_expense",
            [(self.line_a | line_b).ids],
            {"amount_total": 2},
        )
        partners = self.partner_a | self.partner_b
        for ids in (partners.ids, []):
            token = self.partner_a.sudo()._cae_calendar_token()
            self.assertIn(
                self._call("res.partner", "cae_renew_calendar_token", [ids]),
                CLEAN_ERRORS,
            )
            self.assertEqual(self.partner_a.sudo()._cae_calendar_token(), token)

    def test_document_dates_of_another_century_refused(self):
        """Valid from 1900 until 2999 was accepted on one's own activity."""
        Document = self.env["cae.activity.document"]
        count = Document.search_count([])
        content = base64.b64encode(PDF_BYTES).decode()
        for dates in (
            {"date_from": "1900-01-01"},
            {"date_until": "2999-01-01"},
            {"date_from": "1900-01-01", "date_until": "2999-01-01"},
        ):
            error = self._call(
                "cae.activity.document",
                "cae_portal_upload",
                [self.activity_a.id, self.type_insurance.id, content, "a.pdf"],
                dates,
            )
            self.assertIn(error, CLEAN_ERRORS, dates)
            self.assertEqual(Document.search_count([]), count)
        # A certificate valid for a year is fine.
        today = self.company._cae_today()
        self.assertIsNone(
            self._call(
                "cae.activity.document",
                "cae_portal_upload",
                [self.activity_a.id, self.type_insurance.id, content, "a.pdf"],
                {
                    "date_from": str(today),
                    "date_until": str(today + relativedelta(years=1)),
                },
            )
        )
        self.assertEqual(Document.search_count([]), count + 1)


@tagged("post_install", "-at_install")
class TestPortalInputSecondPass(PortalInputCase):
    """The second outside test, after the refactor of issue 12: an entrepreneur who
    had left still claimed expenses; an accountant created reports already refused
    or approved, and moved a report to another entrepreneur; a few typed values
    still ended in a Python error."""

    def test_left_entrepreneur_claims_nothing(self):
        report = self._line(user=self.entrepreneur_a, amount_total=30.0).report_id
        self.activity_a.action_archive()
        self.env.invalidate_all()
        self._assert_refused_cleanly(
            "cae.expense.line",
            "portal_add_expense",
            [self.activity_a.id, self.cat_supplies.id],
            {"amount_total": 12.0},
        )
        self._assert_refused_cleanly(
            "cae.expense.line",
            "portal_correct_expense",
            [self.line_a.ids],
            {"amount_total": 99.0},
        )
        self._assert_refused_cleanly(
            "cae.expense.line", "portal_remove_expense", [self.line_a.ids]
        )
        self.assertIn(
            self._call("cae.expense.report", "action_submit", [report.ids]),
            CLEAN_ERRORS,
        )
        self.assertEqual(report.state, "draft")

    def test_report_born_a_draft(self):
        Report = self.Report.with_user(self.accountant)
        count = Report.search_count([])
        for forged in (
            {"state": "approved"},
            {"state": "refused", "refusal_reason": "forged"},
            {"amount_repaid": 100.0},
            {"approved_by_id": self.accountant.id},
            {"exported": True},
            {"name": "NDF/FORGED"},
            {"entrepreneur_id": self.partner_b.id},
        ):
            with self.assertRaises(Exception, msg=str(forged)) as caught:
                Report.create(
                    {"activity_id": self.activity_b.id, "date": "2026-07-01", **forged}
                )
            self.assertIn(type(caught.exception).__name__, ("AccessError", "UserError"))
        self.assertEqual(Report.search_count([]), count)
        # What a report is made of is still accepted.
        report = Report.create(
            {"activity_id": self.activity_b.id, "date": "2026-07-01"}
        )
        self.assertEqual(report.state, "draft")

    def test_report_stays_with_its_entrepreneur(self):
        report = self.line_a.report_id.with_user(self.accountant)
        with self.assertRaises(Exception) as caught:
            report.write({"entrepreneur_id": self.partner_b.id})
        self.assertEqual(type(caught.exception).__name__, "AccessError")
        self.assertEqual(report.entrepreneur_id, self.partner_a)
        self.assertEqual(self.activity_a.entrepreneur_id, self.partner_a)

    def test_typed_values_of_every_kind_get_a_message(self):
        for kwargs in (
            {"date": ""},
            {"date": False},
            {"vat_rate": ["20"]},
            {"vat_rate": {"x": 1}},
        ):
            self._assert_refused_cleanly(
                "cae.expense.line", "portal_correct_expense", [self.line_a.ids], kwargs
            )
        self._assert_refused_cleanly(
            "cae.expense.line",
            "portal_add_expense",
            [self.activity_a.id, self.cat_supplies.id],
            {"amount_total": 10, "vat_rate": ["20"]},
        )
        line_2 = self._line(user=self.entrepreneur_a, amount_total=3.0)
        content = base64.b64encode(PDF_BYTES).decode()
        self._assert_refused_cleanly(
            "cae.expense.line",
            "portal_add_receipts",
            [(self.line_a | line_2).ids, [["a.pdf", content]]],
        )
        # "²" is a digit to Python, not an id.
        documents = self.env["cae.activity.document"].search_count([])
        error = self._call(
            "cae.activity.document",
            "cae_portal_upload",
            [self.activity_a.id, "²", content, "a.pdf"],
        )
        self.assertIn(error, CLEAN_ERRORS)
        self.assertEqual(self.env["cae.activity.document"].search_count([]), documents)

    def test_forms_answer_unicode_digits_without_error(self):
        response = self._post(
            "/my/expenses/new",
            {
                "activity_id": "²",
                "category_id": str(self.cat_supplies.id),
                "amount_total": "10",
                "date": str(self.today),
            },
        )
        self.assertIn(response.status_code, (400, 404))
        response = self._post(
            f"/my/activities/{self.activity_a.id}/documents",
            {"type_id": "²"},
            files={"file": ("a.pdf", PDF_BYTES, "application/pdf")},
        )
        self.assertEqual(response.status_code, 400)


@tagged("post_install", "-at_install")
class TestPortalInputThirdPass(PortalInputCase):
    """The third outside test (issue 9): the year-end mileage regularisation line
    could be moved, renamed or removed by the entrepreneur (and so paid twice); an
    accountant could turn any line into one, skipping every check; staff could
    number a complementary report by hand or open a month to come."""

    def _regularisation(self, amount):
        # As the regularisation wizard makes it (superuser, after its checks).
        return self.Line.create(
            {
                "activity_id": self.activity_a.id,
                "category_id": self.cat_mileage.id,
                "date": self.line_a.date,
                "name": "Mileage regularisation",
                "amount_total": amount,
                "vat_rate": "0",
                "is_regularisation": True,
            }
        )

    def test_regularisation_line_is_the_cooperative_s(self):
        line = self._regularisation(-558.0)
        later = self.today.replace(day=1) + relativedelta(years=1)
        for method, args, kwargs in (
            ("portal_correct_expense", [line.ids], {"date": str(later)}),
            ("portal_correct_expense", [line.ids], {"name": "renamed"}),
            ("portal_remove_expense", [line.ids], {}),
            (
                "portal_add_receipts",
                [line.ids, [["a.pdf", base64.b64encode(PDF_BYTES).decode()]]],
                {},
            ),
        ):
            with self.subTest(method=method, kwargs=kwargs):
                error = self._call("cae.expense.line", method, args, kwargs)
                self.assertIn(error, CLEAN_ERRORS)
                self.assertTrue(line.exists())
                self.assertEqual(line.amount_total, -558.0)
                self.assertEqual(line.name, "Mileage regularisation")
                self.assertEqual(line.date, self.line_a.date)
        # The page's "remove" route goes through the same method.
        response = self._post(f"/my/expenses/lines/{line.id}/delete")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(line.exists())

    def test_nobody_makes_a_regularisation_by_hand(self):
        for user in (self.accountant, self.entrepreneur_a):
            with self.subTest(user=user.login):
                for vals in (
                    {"is_regularisation": True},
                    {"regularisation_note": "forged"},
                ):
                    with self.assertRaises(UserError):
                        self.line_a.with_user(user).write(vals)
        self.env.invalidate_all()
        self.assertFalse(self.line_a.is_regularisation)
        # Over JSON-RPC too, as the accountant.
        self._login(self.accountant)
        error = self._call(
            "cae.expense.line", "write", [self.line_a.ids, {"is_regularisation": True}]
        )
        self.assertIn(error, CLEAN_ERRORS)
        self.assertFalse(self.line_a.is_regularisation)

    def test_reports_numbered_and_dated_by_the_module(self):
        Report = self.Report.with_user(self.accountant)
        count = Report.search_count([])
        next_month = self.today.replace(day=1) + relativedelta(months=1)
        for vals in (
            {
                "activity_id": self.activity_a.id,
                "date": str(self.today),
                "complement_number": 7,
            },
            {"activity_id": self.activity_a.id, "date": str(next_month)},
            {"activity_id": self.activity_a.id, "date": "2099-01-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                Report.create(vals)
        self.assertEqual(Report.search_count([]), count)
        # The entrepreneur's next expense still goes into the month's own report.
        added = self.Line.with_user(self.entrepreneur_a).portal_add_expense(
            self.activity_a.id, self.cat_supplies.id, amount_total=5.0
        )
        self.assertEqual(added.sudo().report_id, self.line_a.report_id)
