"""Activities, documents and the accompaniment log as a trust boundary (issue 8):
computed values and states cannot be forged, the portal writes only through the
upload method, whatever the context a caller sends."""

import base64
from datetime import date

import psycopg2.errors

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import PDF_BYTES, PNG_BYTES, CaeCommon, CaeHttpMixin

OLD_CONTEXTS = ({}, {"cae_state_change": True}, {"cae_today": "2019-01-01"})


class ActivitySecurityCommon(CaeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.interview_a = cls._accompaniment(cls.activity_a)
        cls.document_a = cls.env["cae.activity.document"].create(
            {
                "activity_id": cls.activity_a.id,
                "type_id": cls.type_contract.id,
                "file": base64.b64encode(PDF_BYTES),
                "file_name": "contract.pdf",
            }
        )


@tagged("post_install", "-at_install")
class TestActivitySecurity(ActivitySecurityCommon):
    def test_accompaniment_state_not_through_a_context_key(self):
        for user in (self.advisor, self.manager):
            for context in OLD_CONTEXTS:
                with (
                    self.subTest(user=user.login, context=context),
                    self.assertRaises(UserError),
                ):
                    self.interview_a.with_user(user).with_context(**context).write(
                        {"state": "done"}
                    )
        self.assertEqual(self.interview_a.state, "planned")
        # The buttons, for the support team only.
        for user in (self.accountant, self.internal, self.entrepreneur_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.interview_a.with_user(user).action_done()
        self.assertEqual(self.interview_a.state, "planned")
        self.interview_a.with_user(self.advisor).action_done()
        self.assertEqual(self.interview_a.state, "done")
        with self.assertRaises(AccessError):
            self.env["cae.accompaniment"].with_user(self.advisor).create(
                {"activity_id": self.activity_a.id, "state": "done"}
            )

    def test_related_and_computed_fields_not_written(self):
        cases = (
            (self.interview_a, {"entrepreneur_id": self.partner_b.id}),
            (self.interview_a, {"company_id": self.company_2.id}),
            (self.document_a, {"status": "valid"}),
            (self.document_a, {"company_id": self.company_2.id}),
            (self.activity_a, {"member_partner_ids": [(4, self.partner_b.id)]}),
            (self.activity_a, {"has_vehicle": False}),
        )
        for record, vals in cases:
            for user in (self.advisor, self.manager):
                with (
                    self.subTest(model=record._name, vals=vals, user=user.login),
                    self.assertRaises(AccessError),
                ):
                    record.with_user(user).write(vals)
        self.assertEqual(self.activity_a.member_partner_ids, self.partner_a)
        self.assertTrue(self.activity_a.has_vehicle)
        self.assertEqual(self.document_a.company_id, self.company)
        # Entrepreneur B does not see A's activity.
        self.assertFalse(
            self.env["cae.activity"].with_user(self.entrepreneur_b).search([])
            & self.activity_a
        )

    def test_document_status_not_created_by_hand(self):
        with self.assertRaises(AccessError):
            self.env["cae.activity.document"].with_user(self.advisor).create(
                {
                    "activity_id": self.activity_a.id,
                    "type_id": self.type_contract.id,
                    "status": "valid",
                }
            )

    def test_stage_history_author_not_forged(self):
        history = self.activity_a.stage_history_ids[:1]
        with self.assertRaises(AccessError):
            history.with_user(self.manager).write({"changed_by_id": self.advisor.id})

    def test_portal_creates_no_document_through_the_orm(self):
        Document = self.env["cae.activity.document"].with_user(self.entrepreneur_a)
        with self.assertRaises(AccessError):
            Document.create(
                {
                    "activity_id": self.activity_a.id,
                    "type_id": self.type_contract.id,
                    "file": base64.b64encode(PDF_BYTES),
                    "file_name": "contract.pdf",
                }
            )
        with self.assertRaises(AccessError):
            self.document_a.with_user(self.entrepreneur_a).write({"note": "x"})

    def test_upload_method_checks_caller_and_content(self):
        Document = self.env["cae.activity.document"]
        pdf = base64.b64encode(PDF_BYTES).decode()
        # Someone else's activity, a missing one, an absurd id: refused.
        for activity_id in (self.activity_b.id, 999999, 99999999999999999999, "1"):
            with self.subTest(activity=activity_id), self.assertRaises(AccessError):
                Document.with_user(self.entrepreneur_a).cae_portal_upload(
                    activity_id, self.type_contract.id, pdf, "c.pdf"
                )
        # An accountant may not add documents.
        with self.assertRaises(AccessError):
            Document.with_user(self.accountant).cae_portal_upload(
                self.activity_a.id, self.type_contract.id, pdf, "c.pdf"
            )
        mine = Document.with_user(self.entrepreneur_a)
        bad = (
            ({"type_id": 99999999999999999999}, "type_id"),
            ({"file_content": base64.b64encode(b"MZ\x90 exe").decode()}, "file"),
            ({"file_content": ""}, "file"),
            ({"date_until": "31/12/2030"}, "date_until"),
        )
        for changes, field in bad:
            args = {
                "activity_id": self.activity_a.id,
                "type_id": self.type_insurance.id,
                "file_content": pdf,
                "file_name": "a.pdf",
                "date_until": "2031-01-31",
                **changes,
            }
            with self.subTest(changes=changes), self.assertRaises(UserError) as error:
                mine.cae_portal_upload(
                    args.pop("activity_id"),
                    args.pop("type_id"),
                    args.pop("file_content"),
                    args.pop("file_name"),
                    **args,
                )
            self.assertIn(field, error.exception.errors)
        self.assertEqual(self.activity_a.document_ids, self.document_a)
        document_id = mine.cae_portal_upload(
            self.activity_a.id,
            self.type_insurance.id,
            base64.b64encode(PNG_BYTES).decode(),
            "photo.png",
            date_until="2031-01-31",
            note="Renewed",
        )
        document = Document.browse(document_id)
        self.assertEqual(document.activity_id, self.activity_a)
        self.assertEqual(document.date_until, date(2031, 1, 31))
        self.assertEqual(document.status, "valid")
        self.assertEqual(document.note, "Renewed")

    def test_analytic_account_not_pointed_at_another_activity(self):
        """Outside test (issue 10): an advisor set activity A's analytic account to
        activity B's, and A's entrepreneur then read B's books and customers."""
        account_a = self.activity_a.analytic_account_id
        account_b = self.activity_b.analytic_account_id
        self.assertTrue(account_a and account_b)
        with self.assertRaises(UserError):
            self.activity_a.with_user(self.advisor).write(
                {"analytic_account_id": account_b.id}
            )
        self.assertEqual(self.activity_a.analytic_account_id, account_a)
        # Not even a manager makes two activities share one account.
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            self.activity_a.with_user(self.manager).write(
                {"analytic_account_id": account_b.id}
            )
            self.activity_a.flush_recordset()
        # A manager may move an activity to a new account of its own.
        new_account = account_a.copy({"name": "Nouvelle comptabilité"})
        self.activity_a.with_user(self.manager).write(
            {"analytic_account_id": new_account.id}
        )
        self.assertEqual(self.activity_a.analytic_account_id, new_account)
        # Writing the same account again changes nothing and is not refused.
        self.activity_a.with_user(self.advisor).write(
            {"analytic_account_id": new_account.id}
        )


@tagged("post_install", "-at_install")
class TestActivitySecurityRpc(ActivitySecurityCommon, CaeHttpMixin, HttpCase):
    def test_portal_over_rpc(self):
        self._login(self.entrepreneur_a)
        pdf = base64.b64encode(PDF_BYTES).decode()
        for context in OLD_CONTEXTS:
            with self.subTest(context=context):
                self.assertRefused(
                    "cae.activity.document",
                    "create",
                    [
                        {
                            "activity_id": self.activity_a.id,
                            "type_id": self.type_contract.id,
                            "file": pdf,
                            "file_name": "c.pdf",
                        }
                    ],
                    context,
                )
                self.assertRefused(
                    "cae.activity.document",
                    "write",
                    [self.document_a.ids, {"status": "expired"}],
                    context,
                )
                self.assertRefused(
                    "cae.accompaniment",
                    "write",
                    [self.interview_a.ids, {"state": "done"}],
                    context,
                )
                self.assertRefused(
                    "cae.accompaniment", "action_done", [self.interview_a.ids], context
                )
                self.assertRefused(
                    "cae.accompaniment",
                    "read",
                    [self.interview_a.ids, ["internal_note"]],
                    context,
                )
                self.assertRefused(
                    "cae.activity",
                    "write",
                    [self.activity_a.ids, {"co_entrepreneur_ids": [(4, 1)]}],
                    context,
                )
                self.assertRefused(
                    "cae.activity.document",
                    "cae_portal_upload",
                    [self.activity_b.id, self.type_contract.id, pdf, "c.pdf"],
                    context,
                )
        self.env.invalidate_all()
        self.assertEqual(self.activity_a.document_ids, self.document_a)
        self.assertFalse(self.activity_b.document_ids)
        self.assertEqual(self.document_a.status, "valid")
        self.assertEqual(self.interview_a.state, "planned")
        # Their own activity, through the method: one document, made as asked.
        document_id = self.rpc(
            "cae.activity.document",
            "cae_portal_upload",
            [self.activity_a.id, self.type_contract.id, pdf, "c.pdf"],
            note="By RPC",
        )
        self.env.invalidate_all()
        document = self.env["cae.activity.document"].browse(document_id)
        self.assertEqual(document.activity_id, self.activity_a)
        self.assertEqual(document.note, "By RPC")

    def test_accountant_on_accompaniment_over_rpc(self):
        self._login(self.accountant)
        for context in OLD_CONTEXTS:
            for method, args in (
                ("write", [self.interview_a.ids, {"state": "cancelled"}]),
                ("action_done", [self.interview_a.ids]),
                ("action_cancel", [self.interview_a.ids]),
                ("unlink", [self.interview_a.ids]),
                ("create", [{"activity_id": self.activity_a.id}]),
            ):
                with self.subTest(method=method, context=context):
                    self.assertRefused("cae.accompaniment", method, args, context)
        self.env.invalidate_all()
        self.assertEqual(self.interview_a.state, "planned")
