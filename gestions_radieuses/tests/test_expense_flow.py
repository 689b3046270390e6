"""The entrepreneur's expense flow without dead ends (issue 9): an expense of a
month already sent goes into a complementary report, a line is corrected in place,
a photo survives a form error, a refusal is one e-mail that says it, approvals and
payments go into the next digest."""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import file_open
from odoo.tools.misc import format_date

from .common import PDF_BYTES, PNG_BYTES
from .expense_common import CaeExpenseCommon, CaeExpenseHttpMixin
from .test_expense_portal import ExpensePortalCase


@tagged("post_install", "-at_install")
class TestExpenseFlow(ExpensePortalCase):
    def _submit(self, report):
        report.with_user(self.entrepreneur_a).action_submit()

    # ------------------------------------------------------------------
    # 1. No dead end after sending the month
    # ------------------------------------------------------------------
    def test_expense_after_sending_goes_to_complement(self):
        self._submit(self.report_a)
        late = self._line(user=self.entrepreneur_a, amount_total=7.0)
        complement = late.report_id
        self.assertNotEqual(complement, self.report_a)
        self.assertEqual(complement.date, self.report_a.date)
        self.assertEqual(complement.complement_number, 1)
        self.assertEqual(complement.state, "draft")
        self.assertNotEqual(complement.name, self.report_a.name)
        self.assertIn("(complement)", complement.month_label)
        self.assertEqual(self.report_a.line_ids, self.line_a)
        self.assertEqual(late._portal_where_added(), "added_complement")
        # The next one joins the same complement while it is open…
        again = self._line(user=self.entrepreneur_a, amount_total=8.0)
        self.assertEqual(again.report_id, complement)
        # …and once it is sent too, a second complement is numbered 2.
        complement.with_user(self.entrepreneur_a).action_submit()
        third = self._line(user=self.entrepreneur_a, amount_total=9.0)
        self.assertEqual(third.report_id.complement_number, 2)
        self.assertIn("(complement 2)", third.report_id.month_label)
        # Another activity's month is not concerned.
        self.assertEqual(self.line_b.report_id.complement_number, 0)
        # Approved complements are exported with their month (a date range).
        self.env.flush_all()
        self.assertEqual(
            self.Report.search_count(
                [
                    ("activity_id", "=", self.activity_a.id),
                    ("date", "=", complement.date),
                ]
            ),
            3,
        )

    def test_expense_after_sending_next_month_policy(self):
        self.company.cae_late_expense_policy = "next_month"
        last_month = self.today.replace(day=1) - timedelta(days=1)
        old = self._line(user=self.entrepreneur_a, amount_total=5.0, date=last_month)
        self._submit(old.report_id)
        late = self._line(user=self.entrepreneur_a, amount_total=6.0, date=last_month)
        # Into this month's open report, with its own date kept.
        self.assertEqual(late.report_id, self.report_a)
        self.assertEqual(late.date, last_month)
        self.assertEqual(late._portal_where_added(), "added_next")

    def test_form_says_where_it_went(self):
        self._submit(self.report_a)
        self._login(self.entrepreneur_a)
        response = self._new_expense()
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=added_complement", response.headers["Location"])
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("complementary report", page)
        # The sent month offers to add a forgotten expense; the card says what
        # the month is rather than offering to send it.
        page = self.url_open(self.report_a.access_url).text
        self.assertIn("o_cae_expense_add_forgotten", page)
        page = self.url_open("/my/expenses").text
        self.assertIn("See the month and submit it", page)  # the complement
        late = self.Line.search([("amount_total", "=", 12.5)])
        late.report_id.with_user(self.entrepreneur_a).action_submit()
        page = self.url_open("/my/expenses").text
        self.assertNotIn("See the month and submit it", page)
        self.assertIn("See the month", page)

    def test_general_error_says_nothing_below(self):
        self._login(self.entrepreneur_a)
        response = self._new_expense(amount_total="200000")
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("correct what is shown below", response.text)
        self.assertIn("Nothing was saved", response.text)
        response = self._new_expense(amount_total="abc")
        self.assertIn("correct what is shown below", response.text)

    def test_photo_kept_after_form_error(self):
        self._login(self.entrepreneur_a)
        token = "a" * 32
        count = self.Line.search_count([])
        response = self._new_expense(
            amount_total="abc",
            submission_token=token,
            files={"receipts": ("ticket.png", PNG_BYTES, "image/png")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("o_cae_expense_photo_kept", response.text)
        self.assertIn("ticket.png", response.text)
        self.assertEqual(self.Line.search_count([]), count)
        # Another entrepreneur sending the same token sees nothing of it.
        self._login(self.entrepreneur_b)
        response = self._post(
            "/my/expenses/new",
            {
                "activity_id": self.activity_b.id,
                "category_id": self.cat_supplies.id,
                "amount_total": "abc",
                "date": str(self.today),
                "mileage": "0",
                "submission_token": token,
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("ticket.png", response.text)
        self.assertFalse(
            self.Line.with_user(self.entrepreneur_b)._portal_held_receipts(token)
        )
        # Sent again, fixed, without picking the photo: the line has it.
        self._login(self.entrepreneur_a)
        response = self._new_expense(amount_total="4,20", submission_token=token)
        self.assertEqual(response.status_code, 303)
        line = self.Line.search([("amount_total", "=", 4.2)])
        self.assertEqual(line.receipt_ids.mapped("name"), ["ticket.png"])
        self.assertFalse(self.Line._portal_held_receipts(token))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "cae.expense.line"), ("res_id", "=", 0)]
            )
        )

    # ------------------------------------------------------------------
    # 2. Correct a line in place
    # ------------------------------------------------------------------
    def test_edit_line_in_place(self):
        self._login(self.entrepreneur_a)
        url = f"/my/expenses/lines/{self.line_a.id}/edit"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn('value="20.00"', page.text)
        # The phone offers its camera and its files (capture= would force the
        # camera: a PDF received by e-mail could not be attached).
        self.assertIn('accept="image/*,application/pdf"', page.text)
        self.assertNotIn("capture=", page.text)
        response = self._post(
            url,
            {
                "category_id": self.cat_receptions.id,
                "amount_total": "33,10",
                "date": str(self.today),
                "name": "Lunch with a client",
                "remove_receipt_ids": self.receipt_a.id,
            },
            files={"receipts": ("new.pdf", PDF_BYTES, "application/pdf")},
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=corrected", response.headers["Location"])
        self.assertEqual(self.line_a.report_id, self.report_a)
        self.assertEqual(self.line_a.amount_total, 33.1)
        self.assertEqual(self.line_a.category_id, self.cat_receptions)
        self.assertEqual(self.line_a.name, "Lunch with a client")
        self.assertEqual(self.line_a.receipt_ids.mapped("name"), ["new.pdf"])
        # A bad value: the page again with the field's message, nothing changed,
        # the photo kept for the form sent again.
        token = "b" * 32
        response = self._post(
            url,
            {"amount_total": "x", "date": str(self.today), "submission_token": token},
            files={"receipts": ("second.png", PNG_BYTES, "image/png")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("o_cae_expense_photo_kept", response.text)
        self.assertEqual(self.line_a.amount_total, 33.1)
        response = self._post(
            url,
            {
                "category_id": self.cat_receptions.id,
                "amount_total": "33,20",
                "date": str(self.today),
                "submission_token": token,
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            sorted(self.line_a.receipt_ids.mapped("name")), ["new.pdf", "second.png"]
        )

    def test_edit_refused(self):
        self._login(self.entrepreneur_a)
        # Another entrepreneur's line: 404, as a missing one.
        url_b = f"/my/expenses/lines/{self.line_b.id}/edit"
        self.assertEqual(self.url_open(url_b).status_code, 404)
        response = self._post(url_b, {"amount_total": "1", "date": str(self.today)})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.line_b.amount_total, 30.0)
        # A receipt of another line: 404, nothing removed.
        receipt_b = self.receipt_b
        response = self._post(
            f"/my/expenses/lines/{self.line_a.id}/edit",
            {
                "category_id": self.cat_supplies.id,
                "amount_total": "20",
                "date": str(self.today),
                "remove_receipt_ids": receipt_b.id,
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(receipt_b.exists())
        # A sent month: no edit page, no change.
        self._submit(self.report_a)
        url = f"/my/expenses/lines/{self.line_a.id}/edit"
        self.assertEqual(self.url_open(url).status_code, 400)
        response = self._post(
            url,
            {
                "category_id": self.cat_supplies.id,
                "amount_total": "1",
                "date": str(self.today),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.line_a.amount_total, 20.0)
        self.assertNotIn(
            "o_cae_expense_correct", self.url_open(self.report_a.access_url).text
        )
        # Refused: "Correct" is offered, and it works.
        self._refuse(self.report_a, "Wrong amount")
        page = self.url_open(self.report_a.access_url).text
        self.assertIn("o_cae_expense_correct", page)
        self.assertNotIn("still here", page)
        self.assertEqual(self.url_open(url).status_code, 200)

    def test_co_entrepreneur_corrects_the_collective_line(self):
        """Membership as everywhere: a co-entrepreneur corrects the line too."""
        self.activity_a.co_entrepreneur_ids = self.partner_b
        self._login(self.entrepreneur_b)
        url = f"/my/expenses/lines/{self.line_a.id}/edit"
        self.assertEqual(self.url_open(url).status_code, 200)
        response = self._post(
            url,
            {
                "category_id": self.cat_supplies.id,
                "amount_total": "25",
                "date": str(self.today),
                "remove_receipt_ids": self.receipt_a.id,
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.line_a.amount_total, 25.0)
        self.assertFalse(self.receipt_a.exists())

    def test_edit_trip_in_place(self):
        trip = self._line(
            user=self.entrepreneur_a,
            category_id=self.cat_mileage.id,
            distance_km=30,
            trip_from="Lyon",
            trip_to="Vienne",
            name="Client",
        )
        before = trip.amount_total
        self._login(self.entrepreneur_a)
        url = f"/my/expenses/lines/{trip.id}/edit"
        page = self.url_open(url).text
        self.assertIn('value="Vienne"', page)
        response = self._post(
            url,
            {
                "category_id": self.cat_mileage.id,
                "distance_km": "60",
                "trip_from": "Lyon",
                "trip_to": "Valence",
                "name": "Client",
                "date": str(self.today),
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(trip.distance_km, 60)
        self.assertEqual(trip.trip_to, "Valence")
        self.assertGreater(trip.amount_total, before)

    def test_remove_receipts_method(self):
        line = self.line_a.with_user(self.entrepreneur_a)
        receipt_b = self.receipt_b
        with self.assertRaises(MissingError):
            line.portal_remove_receipts([receipt_b.id])
        with self.assertRaises(UserError):
            line.portal_remove_receipts("1")
        with self.assertRaises(AccessError):
            self.line_a.with_user(self.entrepreneur_b).portal_remove_receipts(
                [self.receipt_a.id]
            )
        self._submit(self.report_a)
        with self.assertRaises(UserError):
            line.portal_remove_receipts([self.receipt_a.id])
        self.assertTrue(self.receipt_a.exists())
        self._refuse(self.report_a, "Not the right receipt")
        line.portal_remove_receipts([self.receipt_a.id])
        self.assertFalse(self.receipt_a.exists())

    def test_remove_receipts_over_jsonrpc(self):
        self._login(self.entrepreneur_b)
        self.assertRefused(
            "cae.expense.line",
            "portal_remove_receipts",
            [self.line_a.ids, [self.receipt_a.id]],
        )
        self.assertRefused(
            "cae.expense.line",
            "_portal_edit_expense_form",
            [self.line_a.ids, {"amount_total": "1"}, []],
        )
        self.assertTrue(self.receipt_a.exists())
        self._login(self.entrepreneur_a)
        self.rpc(
            "cae.expense.line",
            "portal_remove_receipts",
            [self.line_a.ids, [self.receipt_a.id]],
        )
        self.assertFalse(self.receipt_a.exists())

    def test_remove_asks_once(self):
        self._login(self.entrepreneur_a)
        page = self.url_open(self.report_a.access_url).text
        # The button that removes is inside a <details> opened by "Remove".
        self.assertRegex(
            page,
            re.compile(
                r"<details[^>]*o_cae_expense_remove.*?<summary.*?Remove.*?"
                r"o_cae_expense_remove_confirm",
                re.S,
            ),
        )

    # ------------------------------------------------------------------
    # 3. Refusal: one e-mail that says it; approvals and payments in the digest
    # ------------------------------------------------------------------
    def test_refusal_mail(self):
        self.partner_a.email = "a@example.com"
        self._submit(self.report_a)
        self._refuse(self.report_a, "The receipt is unreadable")
        month = format_date(self.env, self.report_a.date, date_format="MMMM")
        messages = self.env["mail.message"].search(
            [("model", "=", "cae.expense.report"), ("res_id", "=", self.report_a.id)]
        )
        refusal = messages.filtered(lambda m: "needs correcting" in (m.subject or ""))
        self.assertEqual(len(refusal), 1)
        self.assertEqual(refusal.subject, f"Your {month} report needs correcting")
        self.assertIn("The receipt is unreadable", refusal.body)
        self.assertIn(self.report_a.access_url, refusal.body)
        self.assertEqual(refusal.partner_ids, self.partner_a)
        emails = refusal.notification_ids.filtered(
            lambda n: n.notification_type == "email"
        )
        self.assertEqual(emails.res_partner_id, self.partner_a)
        self.assertEqual(len(emails), 1)
        # The home tile flags it apart, and opens the month to correct.
        summary = self.Report.with_user(self.entrepreneur_a)._portal_home_summary()
        self.assertEqual(summary["refused"], 1)
        self.assertEqual(summary["url"], self.report_a.access_url)
        self._login(self.entrepreneur_a)
        self.assertIn("1 month to correct", self.url_open("/my").text)
        # Approving and paying send no e-mail of their own (the digest tells).
        self.report_a.with_user(self.entrepreneur_a).action_submit()
        Notification = self.env["mail.notification"]
        before = Notification.search_count([("res_partner_id", "=", self.partner_a.id)])
        self.report_a.with_user(self.accountant).action_approve()
        self._register_payment(self.report_a)
        self.assertEqual(
            Notification.search_count([("res_partner_id", "=", self.partner_a.id)]),
            before,
        )

    def test_digest_tells_approved_and_paid_once(self):
        Deadline = self.env["cae.deadline"]
        Mail = self.env["mail.mail"]
        self.partner_a.email = "a@example.com"
        self.partner_a.cae_digest_frequency = "daily"
        # No deadline at all: news alone is worth a digest.
        Deadline.sudo().search([]).unlink()

        def send(day):
            before = Mail.search([]).ids
            Deadline._cron_send_digests(today=day)
            return Mail.search(
                [("id", "not in", before), ("recipient_ids", "in", self.partner_a.ids)]
            )

        start = fields.Datetime.now()

        def at(hours):
            return freeze_time(start + timedelta(hours=hours))

        self.assertFalse(send(self.today))  # nothing to say yet
        self._submit(self.report_a)
        with at(1):
            self.report_a.with_user(self.accountant).action_approve()
        with at(2):
            mail = send(self.today + timedelta(days=1))
        self.assertEqual(len(mail), 1)
        self.assertIn("News of your expense reports", mail.subject)
        self.assertIn(self.report_a.month_label, mail.body_html)
        self.assertIn("Approved", mail.body_html)
        # Told once: the next digest does not repeat it.
        with at(3):
            self.assertFalse(send(self.today + timedelta(days=2)))
        # Paid: told once in the next one.
        with at(4):
            self._register_payment(self.report_a)
        with at(5):
            mail = send(self.today + timedelta(days=3))
        self.assertEqual(len(mail), 1)
        self.assertIn("Paid:", mail.body_html)
        with at(6):
            self.assertFalse(send(self.today + timedelta(days=4)))
        # News later on a day whose digest went: at most one per person and day;
        # it waits for the next one.
        with at(7):
            self.report_a.sudo().news_date = fields.Datetime.now()
            self.assertFalse(send(self.today + timedelta(days=3)))
        with at(8):
            self.assertEqual(len(send(self.today + timedelta(days=5))), 1)


# The most taps each flow may take at phone size (typing excluded): the issue
# says they may not grow. The tours hold the same numbers and fail beyond them.
MAX_TAPS = {
    "cae_expense_phone_add": 5,
    "cae_expense_phone_submit": 3,
    "cae_expense_phone_correct": 3,
    "cae_expense_phone_forgotten": 5,
}


@tagged("post_install", "-at_install")
class TestExpenseFlowPhone(CaeExpenseCommon, CaeExpenseHttpMixin, HttpCase):
    """The flows of an entrepreneur on a phone, with their number of taps."""

    browser_size = "390x844"
    touch_enabled = True

    def test_tours_hold_the_tap_limits(self):
        path = "gestions_radieuses/static/tests/tours/cae_expense_portal.js"
        with file_open(path) as source:
            text = source.read()
        for tour, limit in MAX_TAPS.items():
            found = re.search(rf'tapLimited\(\s*"{tour}",\s*(\d+)', text)
            self.assertTrue(found, tour)
            self.assertEqual(int(found.group(1)), limit, tour)

    def test_tour_add_expense_with_photo(self):
        self.start_tour("/my", "cae_expense_phone_add", login="cae_entrepreneur_a")
        line = self.Line.search([("activity_id", "=", self.activity_a.id)])
        self.assertEqual(line.amount_total, 18.9)
        self.assertEqual(line.receipt_count, 1)

    def test_tour_submit_month(self):
        line = self._line(user=self.entrepreneur_a, amount_total=20.0)
        self.start_tour("/my", "cae_expense_phone_submit", login="cae_entrepreneur_a")
        self.assertEqual(line.report_id.state, "submitted")

    def test_tour_correct_refused_line(self):
        line = self._line(user=self.entrepreneur_a, amount_total=20.0)
        line.report_id.with_user(self.entrepreneur_a).action_submit()
        self._refuse(line.report_id, "The amount is 21.50")
        self.start_tour("/my", "cae_expense_phone_correct", login="cae_entrepreneur_a")
        self.assertEqual(line.amount_total, 21.5)
        self.assertEqual(line.report_id.state, "refused")

    def test_tour_forgotten_expense_after_sending(self):
        line = self._line(user=self.entrepreneur_a, amount_total=20.0)
        line.report_id.with_user(self.entrepreneur_a).action_submit()
        self.start_tour(
            "/my", "cae_expense_phone_forgotten", login="cae_entrepreneur_a"
        )
        late = self.Line.search([("amount_total", "=", 7.3)])
        self.assertEqual(late.report_id.complement_number, 1)
        self.assertEqual(late.report_id.date, line.report_id.date)
        self.assertEqual(late.receipt_count, 1)
        self.assertEqual(line.report_id.line_ids, line)
