import calendar
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.addons.gestions_radieuses.models.cae_expense_report import PAYABLE_STATES
from odoo.exceptions import UserError
from odoo.tools import clean_context, float_compare
from odoo.tools.misc import format_date

# Written only by the posting and the payments' reconciliation, as superuser.
ACCOUNTING_FIELDS = {"move_id"}


class CaeExpenseReport(models.Model):
    """Approved reports posted in Odoo Accounting.

    Like hr_expense's ``_do_create_moves`` (one entry per report, made as superuser
    after the approver's checks, receipts copied to the entry), with these CAE
    differences: a journal entry (not a vendor bill) crediting the liability
    account of the amounts owed to entrepreneurs (421, not the partner's 401), so
    that a negative report (after a year-end mileage regularisation) is simply a
    debit; and the VAT is the one entered from the receipt, not recomputed from the
    rate (the receipt is the truth; Odoo would round each rate's total again).
    """

    _inherit = "cae.expense.report"

    move_id = fields.Many2one(
        "account.move",
        string="Journal entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        # An entry that posts a report is never deleted behind it.
        ondelete="restrict",
        groups="gestions_radieuses.group_accountant,account.group_account_readonly",
        help="Posted when the report is approved; reversed if it is refused.",
    )

    _sql_constraints = [
        (
            "move_unique",
            "UNIQUE(move_id)",
            "A journal entry belongs to one expense report.",
        ),
    ]

    def write(self, vals):
        if ACCOUNTING_FIELDS & set(vals) and not self.env.su:
            raise UserError(
                self.env._(
                    "The journal entry of an expense report is posted by approving "
                    "it, and reversed by refusing it."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Approving posts
    # ------------------------------------------------------------------
    def action_approve(self):
        result = super().action_approve()
        self._cae_post_moves()
        return result

    def _cae_post_moves(self):
        """One posted journal entry per report, all created at once; any problem
        (configuration, lock date, already posted) raises before anything is
        created, so a batch posts everything or nothing."""
        reports = self.sudo().with_context(clean_context(self.env.context))
        if not reports:
            return self.env["account.move"]
        taxes = reports._cae_check_postable()
        receipts = reports._cae_receipts()
        vals_list = [
            report._cae_prepare_move_vals(taxes, receipts[report]) for report in reports
        ]
        # The entries come complete (tax lines with their amounts, tags and bases):
        # skip_invoice_sync spares Odoo recomputing taxes it would keep anyway, as
        # its own bank reconciliation does. The balance is still checked, at
        # create and at posting. Entries made by the approval need no chatter:
        # no "created" note, no tracking of their state, no follower.
        Move = self.env["account.move"].sudo()
        moves = Move.with_context(
            skip_invoice_sync=True,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
        ).create(vals_list)
        moves.with_context(tracking_disable=True)._post(soft=False)
        moves = moves.with_env(Move.env)
        for report, move in zip(reports, moves, strict=True):
            report.move_id = move
        return moves

    def _cae_entry_date(self):
        """The last day of the report's month, or today for a month not over yet
        (a complementary report approved early): the expenses are charges of
        their month, and the month's VAT return sees their VAT."""
        self.ensure_one()
        last = self.date.replace(
            day=calendar.monthrange(self.date.year, self.date.month)[1]
        )
        return min(last, self.company_id._cae_today())

    def _cae_check_postable(self):
        """Check everything posting needs, for all the reports; return the taxes
        {(company id, VAT rate): account.tax}."""
        taxes = self._cae_purchase_taxes()
        for report in self:
            company = report.company_id
            if report.move_id:
                raise UserError(
                    self.env._(
                        "The expense report %(report)s is already posted (%(move)s).",
                        report=report.name,
                        move=report.move_id.name,
                    )
                )
            if not company.cae_expense_journal_id:
                raise UserError(
                    self.env._(
                        "No expense journal is set for %(company)s: choose one in CAE "
                        "› Configuration › Settings (Expenses) before approving.",
                        company=company.name,
                    )
                )
            if not company.cae_expense_account_id:
                raise UserError(
                    self.env._(
                        "No account for the amounts owed to entrepreneurs is set for "
                        "%(company)s: choose one (421000 on a French chart) in CAE › "
                        "Configuration › Settings (Expenses) before approving.",
                        company=company.name,
                    )
                )
            for line in report.line_ids:
                if not line.category_id.with_company(company).account_id:
                    raise UserError(
                        self.env._(
                            "The expense category “%(category)s” has no expense "
                            "account in %(company)s: set it in CAE › Configuration › "
                            "Expense categories before approving %(report)s.",
                            category=line.category_id.name,
                            company=company.name,
                            report=report.name,
                        )
                    )
                if (
                    float(line.vat_rate or 0)
                    and not line.currency_id.is_zero(line.amount_vat)
                    and (company.id, line.vat_rate) not in taxes
                ):
                    raise UserError(
                        self.env._(
                            "No deductible purchase VAT of %(rate)s %% (excluded from "
                            "the price) exists in %(company)s for %(report)s: create "
                            "or activate it in Accounting › Configuration › Taxes.",
                            rate=line.vat_rate,
                            company=company.name,
                            report=report.name,
                        )
                    )
            date = report._cae_entry_date()
            has_tax = any(
                not line.currency_id.is_zero(line.amount_vat)
                for line in report.line_ids
            )
            locks = company._get_violated_lock_dates(
                date, has_tax, company.cae_expense_journal_id
            )
            if locks:
                raise UserError(
                    self.env._(
                        "%(report)s would be posted on %(date)s, in a closed period "
                        "(%(locks)s). Reopen the period in Accounting › Configuration "
                        "› Settings (Lock dates) to approve it.",
                        report=report.name,
                        date=format_date(self.env, date),
                        locks=company._format_lock_dates(locks),
                    )
                )
        return taxes

    def _cae_purchase_taxes(self):
        """The deductible purchase VAT of each company and rate: a percentage
        excluded from the price, due on the receipt (not on payment, the
        entrepreneur has paid it already), without reverse charge; the company's
        default purchase tax first, then by sequence."""
        companies = self.company_id
        found = {}
        if not companies:
            return found
        candidates = (
            self.env["account.tax"]
            .sudo()
            .search(
                [
                    ("company_id", "in", companies.ids),
                    ("type_tax_use", "=", "purchase"),
                    ("amount_type", "=", "percent"),
                    ("tax_exigibility", "=", "on_invoice"),
                ],
                order="sequence, id",
            )
        )
        for company in companies:
            default = company.account_purchase_tax_id
            ordered = (
                default.filtered(lambda t, c=company: t.company_id == c) | candidates
            )
            for tax in ordered:
                if (
                    tax.company_id != company
                    or tax.price_include
                    or any(
                        rep.factor_percent < 0
                        for rep in tax.invoice_repartition_line_ids
                    )
                    or (
                        company.account_fiscal_country_id
                        and tax.country_id != company.account_fiscal_country_id
                    )
                ):
                    continue
                rate = f"{tax.amount:g}" if tax.amount else None
                if rate and (company.id, rate) not in found:
                    found[(company.id, rate)] = tax
        return found

    def _cae_move_label(self):
        """ "NDF/2026/00008 – Amélie Roux – novembre 2026", in the company's
        language: the books belong to the company (and the FEC is read in French)."""
        self.ensure_one()
        lang = self.company_id.partner_id.lang or self.env.lang
        report = self.with_context(lang=lang)
        return " – ".join(
            part
            for part in (
                report.name,
                report.entrepreneur_id.name or report.activity_id.name,
                report.month_label,
            )
            if part
        )

    def _cae_prepare_move_vals(self, taxes, receipts):
        """The entry of one report: one line per expense account and VAT rate
        (excl. VAT, with the activity's analytic account), one line per VAT, and
        the total owed to the entrepreneur on the liability account."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        partner = self.entrepreneur_id
        label = self._cae_move_label()
        analytic = self.activity_id.analytic_account_id
        distribution = {str(analytic.id): 100.0} if analytic else False
        bases = defaultdict(lambda: {"amount": 0.0, "names": []})
        vats = defaultdict(lambda: {"amount": 0.0, "base": 0.0})
        total = 0.0
        for line in self.line_ids.sorted(lambda expense: (expense.date, expense.id)):
            account = line.category_id.with_company(company).account_id
            has_vat = float(line.vat_rate or 0) and not currency.is_zero(
                line.amount_vat
            )
            tax = (
                taxes[(company.id, line.vat_rate)]
                if has_vat
                else self.env["account.tax"]
            )
            base = bases[(account, tax)]
            base["amount"] += line.amount_total - line.amount_vat
            name = line.category_id.name
            if name not in base["names"]:
                base["names"].append(name)
            if tax:
                vats[tax]["amount"] += line.amount_vat
                vats[tax]["base"] += line.amount_total - line.amount_vat
            total += line.amount_total
        line_vals = []
        for (account, tax), base in bases.items():
            amount = currency.round(base["amount"])
            base_tags = tax.invoice_repartition_line_ids.filtered(
                lambda r: r.repartition_type == "base"
            ).tag_ids
            line_vals.append(
                {
                    "name": f"{label} – {', '.join(base['names'])}",
                    "account_id": account.id,
                    "balance": amount,
                    "amount_currency": amount,
                    "partner_id": partner.id,
                    "tax_ids": [Command.set(tax.ids)],
                    "tax_tag_ids": [Command.set(base_tags.ids)],
                    "analytic_distribution": distribution,
                }
            )
        for tax, vat in vats.items():
            line_vals.extend(
                self._cae_tax_line_vals(
                    tax,
                    vat,
                    bases=bases,
                    label=label,
                    partner=partner,
                    currency=currency,
                )
            )
        total = currency.round(total)
        line_vals.append(
            {
                "name": label,
                "account_id": company.cae_expense_account_id.id,
                "balance": -total,
                "amount_currency": -total,
                "partner_id": partner.id,
                "analytic_distribution": False,
            }
        )
        return {
            "move_type": "entry",
            "journal_id": company.cae_expense_journal_id.id,
            "date": self._cae_entry_date(),
            "ref": label,
            # The partner is on the lines: on the entry, posting would make the
            # entrepreneur a follower of the accounting entry and its messages.
            "currency_id": currency.id,
            "cae_expense_report_id": self.id,
            "line_ids": [Command.create(vals) for vals in line_vals],
            "attachment_ids": [
                Command.create(
                    {
                        "name": attachment.name,
                        "raw": attachment.raw,
                        "mimetype": attachment.mimetype,
                        "res_model": "account.move",
                    }
                )
                for attachment in receipts
            ],
        }

    def _cae_tax_line_vals(self, tax, vat, *, bases, label, partner, currency):
        """The VAT lines of one tax: the VAT entered on the receipts, split over the
        tax's repartition lines (one at 100 % for French deductible VAT), each on
        its account with its tax grid tags, so the VAT return sees it."""
        repartition = tax.invoice_repartition_line_ids.filtered(
            lambda r: r.repartition_type == "tax" and r.factor_percent
        )
        amount = currency.round(vat["amount"])
        left = amount
        vals = []
        base_account = next(
            (account for (account, base_tax) in bases if base_tax == tax), None
        )
        for index, rep in enumerate(repartition):
            if index == len(repartition) - 1:
                part = left
            else:
                part = currency.round(amount * rep.factor_percent / 100.0)
            left -= part
            account = rep.account_id or base_account
            vals.append(
                {
                    "name": f"{label} – {tax.name}",
                    "display_type": "tax",
                    "account_id": account.id,
                    "balance": part,
                    "amount_currency": part,
                    "partner_id": partner.id,
                    "tax_repartition_line_id": rep.id,
                    # Given, not computed from the distribution models line by line.
                    "analytic_distribution": False,
                    "tax_tag_ids": [Command.set(rep.tag_ids.ids)],
                    "tax_base_amount": currency.round(vat["base"]),
                }
            )
        return vals

    def _cae_receipts(self):
        """{report: its lines' receipts}, in one query for all the reports."""
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "cae.expense.line"),
                    ("res_id", "in", self.line_ids.ids),
                ],
                order="id",
            )
        )
        report_of_line = {line.id: line.report_id for line in self.line_ids}
        receipts = {report: attachments.browse() for report in self}
        for attachment in attachments:
            receipts[report_of_line[attachment.res_id]] |= attachment
        return receipts

    # ------------------------------------------------------------------
    # Refusing reverses
    # ------------------------------------------------------------------
    @api.model
    def _cae_refusable_states(self):
        # Posting at approval: an approved report not yet paid can still be sent
        # back (its entry is reversed); a paid one cannot.
        return (*super()._cae_refusable_states(), "approved")

    def _do_refuse(self, reason):
        self._check_accountant()
        for report in self.sudo():
            currency = report.currency_id
            if not (
                currency.is_zero(report.amount_paid)
                and currency.is_zero(report.amount_repaid)
            ):
                raise UserError(
                    self.env._(
                        "A payment is recorded on %(report)s: cancel or unreconcile "
                        "it in Accounting before refusing the report.",
                        report=report.name,
                    )
                )
        posted = self.sudo().filtered("move_id")
        result = super()._do_refuse(reason)
        posted._cae_reverse_moves()
        return result

    def _cae_reverse_moves(self):
        """Reverse the reports' entries on the CAE's day (reconciled with them),
        and unlink them from the reports: approving again posts a new entry."""
        reports = self.sudo().with_context(clean_context(self.env.context))
        moves = reports.move_id
        if not moves:
            return
        moves.cae_expense_report_id = False
        reports.move_id = False
        reversals = moves._reverse_moves(
            default_values_list=[
                {
                    "date": move.company_id._cae_today(),
                    "ref": self.env._("Reversal of: %(ref)s", ref=move.ref),
                }
                for move in moves
            ],
            cancel=True,
        )
        for report, move, reversal in zip(reports, moves, reversals, strict=True):
            report.message_post(
                body=self.env._(
                    "Journal entry %(move)s reversed by %(reversal)s.",
                    move=move.name,
                    reversal=reversal.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # Payments: the report follows the reconciliation of its liability line
    # ------------------------------------------------------------------
    def _cae_liability_line(self):
        self.ensure_one()
        return self.move_id.line_ids.filtered(
            lambda line: (
                line.account_id.reconcile
                and not line.tax_ids
                and not line.tax_repartition_line_id
            )
        )[:1]

    def _cae_sync_payment(self):
        """Paid, partially paid or approved, the amounts and the payment date, from
        what is matched with the entry's liability line (payments, bank statement
        lines), both ways: unreconciling sends the report back."""
        for report in self.sudo():
            if report.state not in PAYABLE_STATES or not report.move_id:
                continue
            line = report._cae_liability_line()
            if not line:
                continue
            currency = report.currency_id
            owed_back = currency.compare_amounts(line.balance, 0) > 0
            partials = line.matched_credit_ids if owed_back else line.matched_debit_ids
            settled, last_date = 0.0, False
            for partial in partials:
                other = partial.credit_move_id if owed_back else partial.debit_move_id
                if other.move_id.reversed_entry_id == report.move_id:
                    continue
                settled += partial.amount
                last_date = max(last_date or other.date, other.date)
            settled = currency.round(settled)
            due = abs(line.balance)
            if currency.is_zero(settled):
                state = "approved"
            elif float_compare(settled, due, precision_rounding=currency.rounding) >= 0:
                state = "paid"
            else:
                state = "partial"
            vals = {
                "state": state,
                "amount_paid": 0.0 if owed_back else settled,
                "amount_repaid": settled if owed_back else 0.0,
                "payment_date": last_date,
            }
            changed = {
                field: value for field, value in vals.items() if report[field] != value
            }
            if changed:
                if "state" in changed and state != "approved":
                    changed["news_date"] = fields.Datetime.now()
                report._transition(changed)

    def _do_register_payment(self, amount=None, date=None, journal=None):
        """Odoo's payment flow when the report is posted: an account.payment to
        (or from) the entrepreneur on the liability account, matched with the
        entry's line; the report follows the reconciliation. Reports approved
        before Accounting (no entry) keep the base module's record of payment."""
        self._check_accountant()
        self._check_payment_date(fields.Date.to_date(date) if date else None)
        unposted = self.sudo().filtered(lambda r: not r.move_id).with_env(self.env)
        if unposted:
            super(CaeExpenseReport, unposted)._do_register_payment(
                amount=amount, date=date
            )
        posted = self - unposted
        if not posted:
            return True
        posted._lock()
        posted._check_state(PAYABLE_STATES)
        for report in posted.sudo():
            report._cae_pay(amount, date, journal)
        return True

    def _cae_pay(self, amount, date, journal):
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        line = self._cae_liability_line()
        residual = -line.amount_residual  # > 0: owed to the entrepreneur
        paid = self._check_settled_amount(amount, residual)
        journal = journal or self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(company),
                ("type", "in", ("bank", "cash")),
            ],
            limit=1,
        )
        if not journal or journal.company_id != company:
            raise UserError(
                self.env._(
                    "No bank journal to pay %(report)s from in %(company)s.",
                    report=self.name,
                    company=company.name,
                )
            )
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    "payment_type": "outbound" if residual > 0 else "inbound",
                    "partner_type": "supplier",
                    "partner_id": line.partner_id.id,
                    "amount": paid,
                    "date": date or company._cae_today(),
                    "journal_id": journal.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "destination_account_id": line.account_id.id,
                    "memo": self.move_id.ref,
                }
            )
        )
        payment.action_post()
        counterpart = payment.move_id.line_ids.filtered(
            lambda move_line: (
                move_line.account_id == line.account_id and not move_line.reconciled
            )
        )
        (counterpart + line).reconcile()
        return payment
