from odoo import fields, models

# Where the amounts owed to entrepreneurs go on a French chart: 421 "Personnel –
# Rémunérations dues", a liability (not 425 "Avances et acomptes", an asset).
DEFAULT_EXPENSE_ACCOUNT_CODES = ("421000", "421")


class ResCompany(models.Model):
    # The demo's books extend res.company apart, in demo/cae_accounting_demo.py.
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    cae_expense_journal_id = fields.Many2one(
        "account.journal",
        string="Expense journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal in which each approved expense report is posted.",
    )
    cae_expense_account_id = fields.Many2one(
        "account.account",
        string="Amounts owed to entrepreneurs",
        check_company=True,
        domain="[('reconcile', '=', True), "
        "('account_type', 'in', ('liability_payable', 'liability_current'))]",
        help="Credited with what each approved expense report owes the entrepreneur "
        "(with the entrepreneur as partner), and matched with the payments.",
    )

    def _cae_setup_accounting(self):
        """Default expense accounting of companies that have a chart of accounts:
        the expense journal, the account of the amounts owed to entrepreneurs and
        each category's expense account, found by the category's account code on
        the company's chart (6251 → 625100). What a company already has is kept.
        Run when the addon is installed and when a chart of accounts is loaded."""
        Journal = self.env["account.journal"].sudo()
        categories = (
            self.env["cae.expense.category"]
            .sudo()
            .with_context(active_test=False)
            .search([("account_code", "!=", False)])
        )
        for company in self.sudo().filtered("chart_template"):
            if not company.cae_expense_journal_id:
                code = company.cae_expense_journal_code or "NDF"
                journal = Journal.search(
                    [*Journal._check_company_domain(company), ("code", "=", code)],
                    limit=1,
                ) or Journal.create(
                    {
                        "name": self.env._("Expense reports"),
                        "code": code,
                        "type": "general",
                        "company_id": company.id,
                    }
                )
                company.cae_expense_journal_id = journal
                company._cae_name_expense_journal()
            if not company.cae_expense_account_id:
                account = company._cae_account_by_code(DEFAULT_EXPENSE_ACCOUNT_CODES)
                company._cae_make_third_party_account(account)
                company.cae_expense_account_id = account
            for category in categories.with_company(company):
                if category.company_id not in (company, self.env["res.company"]):
                    continue
                if not category.account_id and category.account_code:
                    account = company._cae_account_by_code(
                        (category.account_code.ljust(6, "0"), category.account_code)
                    )
                    category.account_id = account
        return True

    def _cae_name_expense_journal(self):
        """The expense journal's name in every language of the database ("Notes de
        dépenses" in French), also when French was loaded after the journal was
        made (make demo loads it last)."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for company in self.sudo():
            journal = company.cae_expense_journal_id
            if journal:
                journal.update_field_translations(
                    "name",
                    {
                        lang: self.with_context(lang=lang).env._("Expense reports")
                        for lang in langs
                    },
                )

    def _cae_make_third_party_account(self, account):
        """421 is a third-party account (an auxiliary account per person): as a
        non-trade payable in Odoo, the entrepreneur is its third party in the FEC
        (CompAuxNum), the partner ledger and Odoo's payments. The chart ships it
        as a plain liability; it is changed only while nothing is posted on it."""
        if not account or account.account_type == "liability_payable":
            return
        used = (
            self.env["account.move.line"]
            .sudo()
            .search_count([("account_id", "=", account.id)], limit=1)
        )
        if not used and account.account_type == "liability_current":
            account.write(
                {
                    "account_type": "liability_payable",
                    "non_trade": True,
                    "reconcile": True,
                }
            )
        elif not account.reconcile:
            account.reconcile = True

    def _cae_account_by_code(self, codes):
        """The company's account with the first of ``codes`` as its code, or else
        the first account (by code) whose code starts with the last one."""
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        domain = [*Account._check_company_domain(self), ("deprecated", "=", False)]
        *exact, prefix = codes
        for code in exact:
            account = Account.search([*domain, ("code", "=", code)], limit=1)
            if account:
                return account
        return Account.search(
            [*domain, ("code", "=like", f"{prefix}%")], limit=1, order="code"
        )
