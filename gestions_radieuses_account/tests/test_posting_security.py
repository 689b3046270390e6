from odoo.addons.gestions_radieuses.tests.common import CaeHttpMixin
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .posting_common import PostingCommon


@tagged("post_install", "-at_install")
class TestPostingCompanies(PostingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="CAE B")["company"]
        cls.accountant_b = cls._new_user(
            "accountant_b",
            "gestions_radieuses.group_accountant",
            "Accountant B",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.activity_in_b = (
            cls.env["cae.activity"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Activity in B",
                    "entrepreneur_id": cls.partner_b.id,
                    "stage": "salaried",
                    "company_id": cls.company_b.id,
                }
            )
        )

    def test_a_report_of_company_b_posts_in_b(self):
        report = self._submitted(activity=self.activity_in_b)
        self.assertEqual(report.company_id, self.company_b)
        with self.assertRaises(AccessError):
            report.with_user(self.accountant).action_approve()
        self.assertFalse(report.sudo().move_id)
        report.with_user(self.accountant_b).with_company(
            self.company_b
        ).action_approve()
        move = report.sudo().move_id
        self.assertEqual(move.company_id, self.company_b)
        self.assertEqual(move.journal_id, self.company_b.cae_expense_journal_id)
        self.assertNotEqual(move.journal_id, self.journal)
        self.assertEqual(
            move.line_ids.filtered("credit").account_id,
            self.company_b.cae_expense_account_id,
        )
        self.assertEqual(move.line_ids.tax_ids.company_id, self.company_b)

    def test_no_context_key_posts_or_moves(self):
        """The entry is written only by approving: not by write(), whatever the
        context, not even by an accountant."""
        report = self._submitted()
        move = self._approve(report)
        other = self._submitted(activity=self.activity_b)
        for context in ({}, {"cae_allow_state": True, "tracking_disable": True}):
            with self.assertRaisesRegex(UserError, "posted by approving"):
                other.with_user(self.accountant).with_context(**context).write(
                    {"move_id": move.id}
                )
        self.assertFalse(other.sudo().move_id)


@tagged("post_install", "-at_install")
class TestPostingRpc(CaeHttpMixin, PostingCommon, HttpCase):
    """An entrepreneur over JSON-RPC: cannot approve, post, read or link the
    entry of their own report."""

    def test_portal_cannot_post_or_read_the_entry(self):
        report = self._submitted()
        other = self._submitted(activity=self.activity_b)
        self._approve(other)
        move = other.sudo().move_id
        self._login(self.entrepreneur_a)
        Report = "cae.expense.report"
        self.assertRefused(Report, "action_approve", [report.ids])
        self.assertRefused(Report, "_cae_post_moves", [report.ids])
        self.assertRefused(Report, "write", [report.ids, {"move_id": move.id}])
        self.assertRefused(Report, "read", [report.ids, ["move_id"]])
        self.assertRefused("account.move", "read", [move.ids, ["name"]])
        self.assertRefused(
            "account.move", "write", [move.ids, {"cae_expense_report_id": report.id}]
        )
        self.assertRefused(
            "cae.expense.payment.wizard",
            "create",
            [{"report_ids": [(6, 0, report.ids)]}],
        )
        self.assertEqual(report.state, "submitted")
        self.assertFalse(report.sudo().move_id)
        self.assertEqual(move.cae_expense_report_id, other)
        self.assertFalse(
            self.env["account.move"].search([("cae_expense_report_id", "=", report.id)])
        )
