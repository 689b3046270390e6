import base64
import json
import re
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools.held_files import HELD_PREFIX
from .common import PDF_BYTES, PNG_BYTES, CaeCommon, CaeHttpMixin


@tagged("post_install", "-at_install")
class TestActivityPortal(CaeHttpMixin, HttpCase, CaeCommon):
    def _page(self, url):
        response = self.url_open(url)
        return response, response.text

    def _csrf(self, activity):
        _response, html = self._page(f"/my/activities/{activity.id}")
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _upload(self, activity, data, filename="attestation.pdf", csrf=True, **fields):
        payload = {
            "type_id": str(self.type_insurance.id),
            "date_until": "2031-01-31",
            **fields,
        }
        if csrf:
            payload["csrf_token"] = self._csrf(self.activity_a)
        return self.url_open(
            f"/my/activities/{activity.id}/documents",
            data=payload,
            files={"file": (filename, data, "application/octet-stream")},
            allow_redirects=False,
        )

    def test_entrepreneur_sees_own_activity_only(self):
        self._login(self.entrepreneur_a)
        response, html = self._page(f"/my/activities/{self.activity_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Activity A", html)
        self.assertIn("Advisor", html)
        with mute_logger("odoo.http"):
            for activity_id in (self.activity_b.id, 999999):
                response, html = self._page(f"/my/activities/{activity_id}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Activity B", html)
        # A single activity: the list goes straight to it.
        response = self.url_open("/my/activities", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/activities/{self.activity_a.id}"
            )
        )

    def test_list_and_home_counter(self):
        self.activity_b.co_entrepreneur_ids = self.partner_a
        self._login(self.entrepreneur_a)
        response, html = self._page("/my/activities")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Activity A", html)
        self.assertIn("Activity B", html)
        counters = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["cae_activity_count"]}}),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(counters["cae_activity_count"], 2)

    def test_shared_summary_shown_internal_note_hidden(self):
        self.env["cae.accompaniment"].create(
            {
                "activity_id": self.activity_a.id,
                "summary": "We agreed on a price list",
                "internal_note": "Secret staff remark",
                "next_step": "Send the quote",
            }
        ).action_done()
        self._login(self.entrepreneur_a)
        _response, html = self._page(f"/my/activities/{self.activity_a.id}")
        self.assertIn("We agreed on a price list", html)
        self.assertIn("Send the quote", html)
        self.assertNotIn("Secret staff remark", html)

    def test_upload_document(self):
        self._login(self.entrepreneur_a)
        response = self._upload(self.activity_a, PDF_BYTES)
        self.assertEqual(response.status_code, 303, response.text[:500])
        document = self.activity_a.document_ids
        self.assertEqual(len(document), 1)
        self.assertEqual(document.type_id, self.type_insurance)
        self.assertEqual(document.date_until, date(2031, 1, 31))
        self.assertEqual(document.status, "valid")
        self.assertEqual(document.file_name, "attestation.pdf")
        self.assertIn(
            "New document sent from the portal",
            self.activity_a.message_ids[0].body,
        )
        _response, html = self._page(f"/my/activities/{self.activity_a.id}?uploaded=1")
        self.assertIn("your document has been received", html)

    def test_upload_refusals_store_nothing(self):
        self._login(self.entrepreneur_a)
        self.env.company.cae_upload_max_size_mb = 1
        attachments_before = self.env["ir.attachment"].search_count([])
        cases = [
            ("wrong type", {"data": b"MZ\x90\x00 an executable", "filename": "a.pdf"}),
            ("too large", {"data": PNG_BYTES + b"\0" * (1024 * 1024)}),
            ("no expiry", {"data": PDF_BYTES, "date_until": ""}),
            ("dates", {"data": PDF_BYTES, "date_from": "2032-01-01"}),
            ("bad type id", {"data": PDF_BYTES, "type_id": "abc"}),
        ]
        for label, kwargs in cases:
            with self.subTest(label):
                response = self._upload(self.activity_a, **kwargs)
                self.assertEqual(response.status_code, 400)
                self.assertIn("was not saved", response.text)
        self.assertFalse(self.activity_a.document_ids)
        # A file refused for what it is is not kept; a good file sent with a
        # form refused for another reason is (see test_file_kept_on_refusal).
        kept = self._kept()
        self.assertEqual(len(kept), 3)
        self.assertEqual(
            self.env["ir.attachment"].search_count([]) - len(kept), attachments_before
        )

    def _kept(self):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "cae.activity.document"),
                    ("res_id", "=", 0),
                    ("description", "=like", HELD_PREFIX + "%"),
                ]
            )
        )

    def test_required_fields_marked(self):
        """What must be filled is marked before sending; the end date is required
        as soon as the kind of document has one (the page's script; the server
        marks it on a re-rendered form)."""
        self._login(self.entrepreneur_a)
        _response, html = self._page(f"/my/activities/{self.activity_a.id}")
        self.assertIn("o_cae_required_mark", html)
        self.assertIn('data-validity-required="1"', html)
        self.assertRegex(html, r'<select id="cae_doc_type"[^>]*required="required"')
        # No kind chosen yet: the end date is not required yet.
        self.assertNotRegex(html, r'<input id="cae_doc_until"[^>]*required')
        response = self._upload(self.activity_a, PDF_BYTES, date_until="")
        self.assertEqual(response.status_code, 400)
        self.assertRegex(
            response.text, r'<input id="cae_doc_until"[^>]*required="required"'
        )

    def test_file_kept_on_refusal(self):
        """The end date forgotten: the file is kept, said so, and sent with the
        corrected form without picking it again."""
        self._login(self.entrepreneur_a)
        response = self._upload(
            self.activity_a, PDF_BYTES, filename="rc-pro.pdf", date_until=""
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("File kept", response.text)
        self.assertIn("rc-pro.pdf", response.text)
        token = re.search(r'name="kept_file" value="([^"]+)"', response.text).group(1)
        self.assertEqual(len(self._kept()), 1)
        # Another entrepreneur cannot use the token (their own activity).
        other = self.env["cae.activity.document"].with_user(self.entrepreneur_b)
        with self.assertRaises(UserError):
            other.cae_portal_upload(
                self.activity_b.id,
                self.type_insurance.id,
                b"",
                None,
                date_until="2031-01-31",
                kept_file=token,
            )
        self.assertFalse(self.activity_b.document_ids)
        # Sent again, without a file, with the date: the kept file is the document.
        response = self.url_open(
            f"/my/activities/{self.activity_a.id}/documents",
            data={
                "type_id": str(self.type_insurance.id),
                "date_until": "2031-01-31",
                "kept_file": token,
                "csrf_token": self._csrf(self.activity_a),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        document = self.activity_a.document_ids
        self.assertEqual(document.file_name, "rc-pro.pdf")
        self.assertEqual(base64.b64decode(document.file), PDF_BYTES)
        self.assertFalse(self._kept())

    def test_new_certificate_replaces_old(self):
        """A new certificate of the same kind replaces the old one: listed as
        replaced, not both "Valid"; an older one sent late replaces nothing."""
        self._login(self.entrepreneur_a)
        self.assertEqual(self._upload(self.activity_a, PDF_BYTES).status_code, 303)
        old = self.activity_a.document_ids
        response = self._upload(self.activity_a, PDF_BYTES, date_until="2032-01-31")
        self.assertEqual(response.status_code, 303)
        new = self.activity_a.document_ids - old
        self.assertEqual(old.status, "replaced")
        self.assertEqual(old.replaced_by_id, new)
        self.assertEqual(old.replaced_date, self.env.company._cae_today())
        self.assertEqual(new.status, "valid")
        self.assertEqual(self.activity_a.document_alert_count, 0)
        _response, html = self._page(f"/my/activities/{self.activity_a.id}")
        self.assertEqual(html.count("o_cae_document_replaced"), 1)
        self.assertIn("Replaced on", html)
        # Last year's certificate sent late: the newer one stays.
        self._upload(self.activity_a, PDF_BYTES, date_until="2030-01-31")
        late = self.activity_a.document_ids - old - new
        self.assertEqual(late.status, "replaced")
        self.assertEqual(new.status, "valid")
        # Another kind of document replaces nothing.
        self._upload(self.activity_a, PDF_BYTES, type_id=str(self.type_contract.id))
        self.assertEqual(new.status, "valid")
        # Outside test: only certificates (kinds with an end date) replace; a
        # second contract, or a second "other document", keeps the first.
        contract = self.activity_a.document_ids.filtered(
            lambda d: d.type_id == self.type_contract
        )
        self._upload(self.activity_a, PDF_BYTES, type_id=str(self.type_contract.id))
        self.assertFalse(contract.replaced_by_id)
        self.assertNotEqual(contract.status, "replaced")
        # Nobody writes the replacement by hand.
        with self.assertRaises(AccessError):
            new.with_user(self.advisor).write({"replaced_by_id": False})

    def test_upload_on_someone_else_or_without_csrf_is_refused(self):
        self._login(self.entrepreneur_a)
        with mute_logger("odoo.http"):
            response = self._upload(self.activity_b, PDF_BYTES)
            self.assertEqual(response.status_code, 404)
            response = self._upload(self.activity_a, PDF_BYTES, csrf=False)
            self.assertEqual(response.status_code, 400)
        self.assertFalse((self.activity_a | self.activity_b).document_ids)

    def test_document_file_of_someone_else_is_not_served(self):
        document = self.env["cae.activity.document"].create(
            {
                "activity_id": self.activity_b.id,
                "type_id": self.type_contract.id,
                "file": base64.b64encode(PDF_BYTES),
                "file_name": "contract-b.pdf",
            }
        )
        url = f"/web/content/cae.activity.document/{document.id}/file?download=true"
        self._login(self.entrepreneur_b)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF_BYTES)
        self._login(self.entrepreneur_a)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"%PDF", response.content)

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open(
            f"/my/activities/{self.activity_a.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_tour_upload_insurance_certificate(self):
        self.start_tour(
            "/my", "gestions_radieuses_document_upload", login="cae_entrepreneur_a"
        )
        document = self.activity_a.document_ids
        self.assertEqual(document.type_id, self.type_insurance)
        self.assertEqual(document.status, "valid")
