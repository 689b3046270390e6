"""One meaning of "member of an activity" everywhere: the lead entrepreneur or a
co-entrepreneur, by their own contact. People under the same company contact
(colleagues of one client company, say) each see only the activities they run.
"""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import PDF_BYTES, PNG_BYTES, CaeHttpMixin
from .expense_common import CaeExpenseCommon

# The module's models an entrepreneur reads through the portal record rules.
PORTAL_MODELS = (
    "cae.activity",
    "cae.activity.stage.history",
    "cae.activity.document",
    "cae.accompaniment",
    "cae.deadline",
    "cae.expense.report",
    "cae.expense.line",
)


@tagged("post_install", "-at_install")
class TestPortalMembership(CaeExpenseCommon, CaeHttpMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Entrepreneur A and a colleague, both contacts of one company contact,
        # which runs an activity of its own too.
        cls.company_contact = cls.env["res.partner"].create(
            {"name": "Atelier partagé", "is_company": True}
        )
        cls.colleague = cls._new_user(
            "colleague", "base.group_portal", "Colleague of A"
        )
        (cls.partner_a | cls.colleague.partner_id).parent_id = cls.company_contact
        cls.activity_colleague, cls.activity_company = cls.env["cae.activity"].create(
            [
                {
                    "name": "Colleague's activity",
                    "entrepreneur_id": cls.colleague.partner_id.id,
                },
                {
                    "name": "Company's activity",
                    "entrepreneur_id": cls.company_contact.id,
                },
            ]
        )
        # Something of every kind on A's activity.
        cls.document_a = cls.env["cae.activity.document"].create(
            {
                "activity_id": cls.activity_a.id,
                "type_id": cls.type_contract.id,
                "file": base64.b64encode(PDF_BYTES),
                "file_name": "contract.pdf",
            }
        )
        cls.interview_a = cls._accompaniment(cls.activity_a)
        rule = cls.env["cae.deadline.rule"].create(
            {
                "name": "Membership rule",
                "category": "expenses",
                "recurrence": "monthly",
                "day": 5,
                "months_after": 1,
            }
        )
        rule._generate_deadlines()
        cls.line_a = cls._line(amount_total=20.0)
        cls.report_a = cls.line_a.report_id
        cls.deadline_a = cls.env["cae.deadline"].search(
            [("activity_id", "=", cls.activity_a.id), ("rule_id", "=", rule.id)],
            limit=1,
        )
        # What the colleague must not see: A's activity and the company contact's.
        cls.others = cls.activity_a | cls.activity_company

    def _others_records(self, model):
        field = "id" if model == "cae.activity" else "activity_id"
        return self.env[model].search([(field, "in", self.others.ids)])

    def test_fixture_has_something_of_every_kind(self):
        for model in PORTAL_MODELS:
            with self.subTest(model=model):
                self.assertTrue(
                    self._others_records(model).filtered(
                        lambda r: (
                            (r if r._name == "cae.activity" else r.activity_id)
                            == self.activity_a
                        )
                    ),
                    "entrepreneur A has a record to hide from the colleague",
                )
                self.assertTrue(
                    self.env[model].with_user(self.entrepreneur_a).search_count([]),
                    "and sees it (the test can fail)",
                )

    def test_colleague_sees_nothing_of_another_activity(self):
        """Through the ORM: searched or read by id, nothing."""
        for model in PORTAL_MODELS:
            records = self._others_records(model)
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.colleague)
                self.assertFalse(Model.search([("id", "in", records.ids)]))
                with self.assertRaises(AccessError):
                    records.with_user(self.colleague).read(["display_name"])
        self.assertEqual(
            self.env["cae.activity"].with_user(self.colleague).search([]),
            self.activity_colleague,
        )

    def test_colleague_sees_nothing_over_rpc(self):
        """Through /web/dataset/call_kw: search_read returns nothing of theirs."""
        self._login(self.colleague)
        for model in PORTAL_MODELS:
            records = self._others_records(model)
            with self.subTest(model=model):
                rows = self.rpc(model, "search_read", [[]], fields=["display_name"])
                self.assertFalse({row["id"] for row in rows} & set(records.ids))
                self.assertRefused(model, "read", [records.ids], fields=["id"])
        rows = self.rpc("cae.activity", "search_read", [[]], fields=["id"])
        self.assertEqual([row["id"] for row in rows], self.activity_colleague.ids)

    def test_colleague_cannot_act(self):
        """The entrepreneur's actions refuse another's activity (AccessError is a
        UserError)."""
        colleague = self.colleague
        Line = self.Line.with_user(colleague)
        count = self.Line.search_count([])
        for call in (
            lambda: Line.portal_add_expense(
                self.activity_a.id, self.cat_supplies.id, amount_total=5.0
            ),
            lambda: self.line_a.with_user(colleague).portal_correct_expense(
                amount_total=1.0
            ),
            lambda: self.line_a.with_user(colleague).portal_add_receipts(
                [("r.png", PNG_BYTES)]
            ),
            lambda: self.line_a.with_user(colleague).portal_remove_expense(),
            lambda: self.line_a.with_user(colleague).portal_remove_receipts([]),
            lambda: self.line_a.with_user(colleague)._portal_edit_expense_form(
                {"amount_total": "1", "date": str(self.line_a.date)}, []
            ),
            lambda: self.report_a.with_user(colleague).action_submit(),
            lambda: self.deadline_a.with_user(colleague).action_done(),
            lambda: (
                self.env["cae.activity.document"]
                .with_user(colleague)
                .cae_portal_upload(
                    self.activity_a.id,
                    self.type_insurance.id,
                    base64.b64encode(PDF_BYTES).decode(),
                    "attestation.pdf",
                )
            ),
        ):
            with self.subTest(call=call), self.assertRaises(UserError):
                call()
        self.env.invalidate_all()
        self.assertEqual(self.Line.search_count([]), count)
        self.assertEqual(self.line_a.amount_total, 20.0)
        self.assertFalse(self.line_a.receipt_count)
        self.assertEqual(self.report_a.state, "draft")
        self.assertEqual(self.deadline_a.state, "todo")
        self.assertEqual(self.activity_a.document_ids, self.document_a)

    def test_every_portal_rule_is_the_member_domain(self):
        """The portal record rules and cae.activity._cae_member_domain say the
        same thing, evaluated for a user: they cannot drift apart."""
        portal = self.env.ref("base.group_portal")
        rules = (
            self.env["ir.model.data"]
            .search([("module", "=", "gestions_radieuses"), ("model", "=", "ir.rule")])
            .mapped(lambda data: self.env["ir.rule"].browse(data.res_id))
            .filtered(lambda rule: portal in rule.groups)
        )
        self.assertEqual(set(rules.mapped("model_id.model")), set(PORTAL_MODELS))
        Activity = self.env["cae.activity"]
        for user in (self.entrepreneur_a, self.colleague):
            for rule in rules:
                with self.subTest(user=user.login, rule=rule.name):
                    domain = safe_eval(
                        rule.domain_force, rule.with_user(user)._eval_context()
                    )
                    model = rule.model_id.model
                    path = "" if model == "cae.activity" else "activity_id."
                    expected = Activity._cae_member_domain(user.partner_id, path)
                    self.assertEqual(domain[: len(expected)], expected)
                    # Whatever follows only narrows it: no "or", no "not".
                    self.assertFalse(
                        {"|", "!"} & {t for t in domain if isinstance(t, str)}
                    )
