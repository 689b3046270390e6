"""What an outside tester playing a hostile entrepreneur got through (issue 8).

Over JSON-RPC with the demo logins, nothing of another entrepreneur's leaked or
changed; these did: absurd amounts on one's own expense, Python errors (with their
traceback) instead of a clear message on badly typed values, and validity dates of
1900 and 2999 on one's own document. Each is refused here with a translated message
and leaves nothing behind.
"""

import base64

from dateutil.relativedelta import relativedelta

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


@tagged("post_install", "-at_install")
class TestPortalInput(CaeExpenseCommon, CaeHttpMixin, HttpCase):
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
