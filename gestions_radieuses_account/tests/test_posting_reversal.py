from odoo.exceptions import UserError
from odoo.tests import tagged

from .posting_common import PostingCommon


@tagged("post_install", "-at_install")
class TestPostingReversal(PostingCommon):
    def test_refusing_an_approved_report_reverses_its_entry(self):
        report = self._submitted()
        move = self._approve(report)
        self._refuse(report, "The receipt is for a personal purchase")
        self.assertEqual(report.state, "refused")
        self.assertFalse(report.sudo().move_id)
        reversal = move.reversal_move_ids
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.date, self.company._cae_today())
        owed = (move | reversal).line_ids.filtered(
            lambda line: line.account_id == self.liability
        )
        self.assertTrue(all(owed.mapped("reconciled")))
        self.assertFalse(move.cae_expense_report_id)
        # Corrected and approved again: a new entry.
        report.action_submit()
        again = self._approve(report)
        self.assertTrue(again)
        self.assertNotEqual(again, move)
        self.assertEqual(report.state, "approved")
        self.assertEqual(report.amount_paid, 0)

    def test_refusing_a_paid_report_is_refused(self):
        report = self._submitted(lines=[{"amount_total": 100.0, "amount_vat": 0}])
        move = self._approve(report)
        self._register_payment(report, amount=40.0)
        self.assertEqual(report.state, "partial")
        with self.assertRaisesRegex(UserError, "not possible any more"):
            report.with_user(self.accountant).action_refuse()
        report_paid = self._submitted(activity=self.activity_b)
        self._approve(report_paid)
        self._register_payment(report_paid)
        self.assertEqual(report_paid.state, "paid")
        with self.assertRaisesRegex(UserError, "A payment is recorded"):
            report_paid.with_user(self.accountant)._do_refuse("no")
        self.assertEqual(move.state, "posted")
        self.assertFalse(move.reversal_move_ids)

    def test_the_entry_is_not_reset_to_draft_behind_the_report(self):
        report = self._submitted()
        move = self._approve(report)
        with self.assertRaisesRegex(UserError, "refuse the report"):
            move.button_draft()
        self.assertEqual(move.state, "posted")

    def test_the_entry_is_not_reversed_or_unlinked_behind_the_report(self):
        """Outside test (issue 10): an accountant reversed a report's entry from
        Accounting (the report stayed approved), then refusing the report reversed
        it a second time; or unlinked the entry from its report, then reset and
        deleted it, and linked a customer invoice to another report."""
        # An accountant who also works in Odoo's Accounting.
        self.accountant.groups_id += self.env.ref("account.group_account_manager")
        report = self._submitted()
        move = self._approve(report)
        accountant_move = move.with_user(self.accountant)
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "reason": "x"})
        )
        with self.assertRaisesRegex(UserError, "refuse the report"):
            wizard.refund_moves()
        with self.assertRaisesRegex(UserError, "refuse the report"):
            accountant_move._reverse_moves(cancel=True)
        for vals in ({"cae_expense_report_id": False}, {"cae_expense_report_id": 1}):
            with self.assertRaises(UserError):
                accountant_move.write(vals)
        other = self._submitted(activity=self.activity_b)
        with self.assertRaises(UserError):
            self.env["account.move"].with_user(self.accountant).create(
                {"move_type": "entry", "cae_expense_report_id": other.id}
            )
        self.assertFalse(move.reversal_move_ids)
        self.assertEqual(move.cae_expense_report_id, report)
        # The refusal reverses it once.
        self._refuse(report, "Wrong month")
        self.assertEqual(len(move.reversal_move_ids), 1)
        self.assertFalse(report.sudo().move_id)
