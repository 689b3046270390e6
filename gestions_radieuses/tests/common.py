"""Shared fixtures: a CAE with a user per role, two entrepreneurs, a second company."""

from contextlib import contextmanager

from odoo import http
from odoo.tests import new_test_user
from odoo.tests.common import JsonRpcException, TransactionCase
from odoo.tools import mute_logger

# A valid one-page PDF and a 1x1 PNG, small enough to inline.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class CaeCommon(TransactionCase):
    """One user per role and two entrepreneurs, A and B, each with an activity.

    Roles: ``entrepreneur_a`` / ``entrepreneur_b`` (portal), ``advisor``,
    ``accountant``, ``manager``, ``internal`` (no CAE group) and ``other_company``
    (a manager of another company only).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Autre CAE"})
        for role, groups, name, values in (
            ("advisor", "gestions_radieuses.group_advisor", "Advisor", {}),
            ("accountant", "gestions_radieuses.group_accountant", "Accountant", {}),
            ("manager", "gestions_radieuses.group_manager", "Manager", {}),
            ("internal", "base.group_user", "Internal", {}),
            (
                "other_company",
                "gestions_radieuses.group_manager",
                "Other company manager",
                {
                    "company_id": cls.company_2.id,
                    "company_ids": [(6, 0, cls.company_2.ids)],
                },
            ),
            ("entrepreneur_a", "base.group_portal", "Entrepreneur A", {}),
            ("entrepreneur_b", "base.group_portal", "Entrepreneur B", {}),
        ):
            setattr(cls, role, cls._new_user(role, groups, name, **values))
        cls.partner_a = cls.entrepreneur_a.partner_id
        cls.partner_b = cls.entrepreneur_b.partner_id
        cls.activity_a, cls.activity_b = cls.env["cae.activity"].create(
            [
                {
                    "name": "Activity A",
                    "entrepreneur_id": cls.partner_a.id,
                    "advisor_id": cls.advisor.id,
                    "stage": "salaried",
                    "vehicle_type": "car",
                    "vehicle_fiscal_power": 5,
                },
                {
                    "name": "Activity B",
                    "entrepreneur_id": cls.partner_b.id,
                    "advisor_id": cls.advisor.id,
                    "stage": "cape",
                },
            ]
        )
        cls.type_insurance = cls.env.ref(
            "gestions_radieuses.document_type_liability_insurance"
        )
        cls.type_contract = cls.env.ref("gestions_radieuses.document_type_contract")

    @classmethod
    def _new_user(cls, role, groups, name, **values):
        """A user with the real groups; login ``cae_<role>``, password the login."""
        login = f"cae_{role}"
        return new_test_user(
            cls.env, login, groups=groups, name=name, password=login, **values
        )

    @classmethod
    def _accompaniment(cls, activity, **values):
        """An accompaniment entry with a summary shared with the entrepreneur and a
        note for the support team only."""
        return cls.env["cae.accompaniment"].create(
            {
                "activity_id": activity.id,
                "summary": "Shared summary",
                "internal_note": "Staff only",
                **values,
            }
        )

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """Like Odoo's assertRaises, in a savepoint rolled back on the error, so that
        a test can show that a refused change left nothing behind."""
        with self.assertRaises(expected_exception) as context:
            yield context
        self.assertRegex(str(context.exception), expected_regex)


class CaeHttpMixin:
    """For ``HttpCase`` tests: log in as a test user, post a form with its CSRF
    token, call the ORM over the web client's JSON-RPC route."""

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post(self, url, data=None, files=None, csrf=True):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        # A non-empty body, so that the request is a POST even without a token.
        return self.url_open(
            url, data=data or {"submit": "1"}, files=files, allow_redirects=False
        )

    def rpc(self, model, method, args, context=None, **kwargs):
        """``/web/dataset/call_kw`` as the web client calls it; an error answered
        by the server raises ``JsonRpcException`` (its log line muted)."""
        with mute_logger("odoo.http"):
            return self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": {**kwargs, "context": context or {}},
                },
            )

    def assertRefused(self, model, method, args, context=None, **kwargs):
        with self.assertRaises(JsonRpcException):
            self.rpc(model, method, args, context=context, **kwargs)
