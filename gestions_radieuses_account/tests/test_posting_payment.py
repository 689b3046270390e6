from datetime import date

from odoo.tests import tagged

from .posting_common import PostingCommon


@tagged("post_install", "-at_install")
class TestPostingPayment(PostingCommon):
    def setUp(self):
        super().setUp()
        self.report = self._submitted(lines=[{"amount_total": 100.0, "amount_vat": 0}])
        self.move = self._approve(self.report)
        self.owed = self.move.line_ids.filtered(
            lambda line: line.account_id == self.liability
        )

    def test_register_payment_goes_through_account_payment(self):
        """The base module's wizard makes an Odoo payment to the entrepreneur on
        421000, matched with the entry: partially paid, then paid, with the date."""
        self._register_payment(self.report, amount=30.0)
        self.assertEqual(self.report.state, "partial")
        self.assertEqual(self.report.amount_paid, 30.0)
        self.assertEqual(self.report.amount_residual, 70.0)
        self.assertEqual(self.report.payment_date, self.company._cae_today())
        payment = self.env["account.payment"].search(
            [("partner_id", "=", self.partner_a.id)]
        )
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.payment_type, "outbound")
        self.assertEqual(payment.destination_account_id, self.liability)
        self.assertEqual(payment.journal_id, self.bank_journal)
        self.assertAlmostEqual(self.owed.amount_residual, -70.0)
        # The wizard proposes what is left.
        self._register_payment(self.report)
        self.assertEqual(self.report.state, "paid")
        self.assertEqual(self.report.amount_residual, 0)
        self.assertTrue(self.owed.reconciled)

    def test_unreconciling_sends_the_report_back(self):
        self._register_payment(self.report, amount=30.0)
        self._register_payment(self.report)
        self.assertEqual(self.report.state, "paid")
        last = self.owed.matched_debit_ids.sorted("id")[-1:]
        last.unlink()
        self.assertEqual(self.report.state, "partial")
        self.assertEqual(self.report.amount_paid, 30.0)
        self.owed.remove_move_reconcile()
        self.assertEqual(self.report.state, "approved")
        self.assertEqual(self.report.amount_paid, 0)
        self.assertFalse(self.report.payment_date)

    def test_bank_statement_line(self):
        """A bank statement line matched with the entry's line marks it paid."""
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": date(2026, 4, 3),
                "payment_ref": "Virement NDF",
                "partner_id": self.partner_a.id,
                "amount": -100.0,
                "counterpart_account_id": self.liability.id,
            }
        )
        counterpart = st_line.move_id.line_ids.filtered(
            lambda line: line.account_id == self.liability
        )
        (counterpart + self.owed).reconcile()
        self.assertEqual(self.report.state, "paid")
        self.assertEqual(self.report.payment_date, date(2026, 4, 3))
        self.assertEqual(self.report.amount_paid, 100.0)

    def test_payment_from_accounting(self):
        """A payment made in Accounting (not through the report) and matched
        there marks the report too."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "outbound",
                "partner_type": "supplier",
                "partner_id": self.partner_a.id,
                "amount": 100.0,
                "date": date(2026, 4, 5),
                "journal_id": self.bank_journal.id,
                "destination_account_id": self.liability.id,
            }
        )
        payment.action_post()
        lines = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == self.liability
        )
        (lines + self.owed).reconcile()
        self.assertEqual(self.report.state, "paid")
        self.assertEqual(self.report.payment_date, date(2026, 4, 5))

    def test_repayment_of_a_negative_report(self):
        line = self._regularisation(self.activity_b, -50.0)
        report = line.report_id
        report.action_submit()
        self._approve(report)
        self.assertEqual(report.amount_residual, -50.0)
        self._register_payment(report)
        self.assertEqual(report.state, "paid")
        self.assertEqual(report.amount_repaid, 50.0)
        payment = self.env["account.payment"].search(
            [("partner_id", "=", self.partner_b.id)]
        )
        self.assertEqual(payment.payment_type, "inbound")

    def test_the_portal_shows_the_payment(self):
        self._register_payment(self.report)
        self.assertEqual(
            self.report.with_user(self.entrepreneur_a).read(["state", "payment_date"])[
                0
            ],
            {
                "id": self.report.id,
                "state": "paid",
                "payment_date": self.company._cae_today(),
            },
        )
