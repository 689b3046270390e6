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
        return cls._invoices(activity, [(day, amount)], refund, customer)

    @classmethod
    def _invoices(cls, activity, days_amounts, refund=False, customer=None):
        """Posted invoices at once, one per ``(day, amount excl. VAT)``."""
        return cls._post_moves(
            [
                cls._move_values(
                    activity,
                    "out_refund" if refund else "out_invoice",
                    customer or cls.customer,
                    day,
                    [(cls.account_sales, amount)],
                )
                for day, amount in days_amounts
            ]
        )

    @classmethod
    def _move_values(cls, activity, move_type, partner, day, lines):
        """An invoice or bill of ``lines`` = [(account, amount excl. VAT)] at
        20 % VAT, all on the activity's analytic account."""
        taxes = cls.tax_purchase_a if move_type == "in_invoice" else cls.tax_sale_a
        return {
            "move_type": move_type,
            "partner_id": partner.id,
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
                        "account_id": account.id,
                        "tax_ids": [Command.set(taxes.ids)],
                        "analytic_distribution": cls._distribution(activity),
                    }
                )
                for account, amount in lines
            ],
        }

    @classmethod
    def _post_moves(cls, values_list):
        moves = cls.env["account.move"].create(values_list)
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
        return cls._post_moves(
            [cls._move_values(activity, "in_invoice", cls.supplier, day, lines)]
        )

    @staticmethod
    def _figure(figures, code):
        return next(f for f in figures["figures"] if f["code"] == code)
