"""Fixtures of the figures tests: the base module's CAE (roles, entrepreneurs A
and B) in a company on the French chart, and helpers that make the books the way
the accountant does (customer invoices, payments, credit notes, vendor bills)."""

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.gestions_radieuses.tests.expense_common import CaeExpenseCommon


class CaeFiguresCommon(CaeExpenseCommon, AccountTestInvoicingCommon):
    @classmethod
    def setup_independent_user(cls):
        # The CAE's fixtures are made as superuser, as in the base module's tests;
        # each role acts as its own user.
        return None

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"].with_company(cls.company)
        domain = Account._check_company_domain(cls.company)

        def account(prefix):
            return Account.search([*domain, ("code", "=like", f"{prefix}%")], limit=1)

        cls.account_sales = account("706")
        cls.account_purchases = account("606")
        cls.account_services = account("613")
        cls.customer, cls.customer_2, cls.supplier = cls.env["res.partner"].create(
            [
                {"name": "Boulangerie Durand"},
                {"name": "Mairie de Villeurbanne"},
                {"name": "Papeterie Martin"},
            ]
        )
        cls.bank_journal = cls.company_data["default_journal_bank"]

    @classmethod
    def _distribution(cls, activity):
        return {str(activity.analytic_account_id.id): 100}

    @classmethod
    def _invoice(cls, activity, day, amount, refund=False, customer=None):
        """A posted customer invoice (or credit note) of ``amount`` excl. VAT at
        20 %, dated ``day``, on the activity's analytic account."""
        move = cls.env["account.move"].create(
            {
                "move_type": "out_refund" if refund else "out_invoice",
                "partner_id": (customer or cls.customer).id,
                "invoice_date": day,
                "date": day,
                # Due on the invoice's day: how late it is counts from there.
                "invoice_payment_term_id": cls.pay_terms_a.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Prestation",
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": cls.account_sales.id,
                            "tax_ids": [Command.set(cls.tax_sale_a.ids)],
                            "analytic_distribution": cls._distribution(activity),
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _invoices(cls, activity, days_amounts):
        """Many invoices at once (the query-count tests)."""
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "invoice_date": day,
                    "date": day,
                    "invoice_payment_term_id": cls.pay_terms_a.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Prestation",
                                "quantity": 1,
                                "price_unit": amount,
                                "account_id": cls.account_sales.id,
                                "tax_ids": [Command.set(cls.tax_sale_a.ids)],
                                "analytic_distribution": cls._distribution(activity),
                            }
                        )
                    ],
                }
                for day, amount in days_amounts
            ]
        )
        moves.action_post()
        return moves

    @classmethod
    def _pay(cls, invoices, day, amount=None):
        """Register the customer's payment as the accountant does (the wizard);
        without an amount, what is left to pay."""
        values = {"payment_date": day, "journal_id": cls.bank_journal.id}
        if amount is not None:
            values["amount"] = amount
            values["payment_difference_handling"] = "open"
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(values)
        )
        return wizard._create_payments()

    @classmethod
    def _bill(cls, activity, day, lines):
        """A posted vendor bill, ``lines`` = [(account, amount excl. VAT)], on the
        activity's analytic account: the activity's charges."""
        move = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.supplier.id,
                "invoice_date": day,
                "date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Achat",
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": account.id,
                            "tax_ids": [Command.set(cls.tax_purchase_a.ids)],
                            "analytic_distribution": cls._distribution(activity),
                        }
                    )
                    for account, amount in lines
                ],
            }
        )
        move.action_post()
        return move

    @staticmethod
    def _figure(figures, code):
        return next(f for f in figures["figures"] if f["code"] == code)
