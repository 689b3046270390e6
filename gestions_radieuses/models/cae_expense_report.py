import uuid
from collections import defaultdict

import psycopg2.errors
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger
from odoo.tools.misc import format_date

from ..tools.formats import month_of, plural
from ..tools.protected_fields import check_protected_fields

EDITABLE_STATES = ("draft", "refused")
# Approved reports with money due either way: paid, partly paid or settled.
PAYABLE_STATES = ("approved", "partial", "paid")
# Written only by the workflow methods, as superuser after their checks.
PROTECTED_FIELDS = {
    "state",
    "amount_paid",
    "amount_repaid",
    "payment_date",
    "exported",
    "export_date",
    "submitted_date",
    "submitted_by_id",
    "approved_date",
    "approved_by_id",
    "refusal_reason",
    "activity_id",
    "date",
    "name",
    "company_id",
    "line_count",
    "amount_untaxed",
    "amount_vat",
    "amount_total",
    "amount_mileage",
    "amount_residual",
    "distance_km",
    "complement_number",
    "news_date",
}
# What a report is created with; the rest comes from the sequence and the workflow.
CREATE_FIELDS = {"activity_id", "date"}


class CaeExpenseReport(models.Model):
    """One expense report (note de dépenses) per activity and month, and its
    complementary reports: an expense of a month already submitted goes into a
    complementary report of that month (numbered 1, 2… per activity and month),
    created on the fly, or into the next open month, as the CAE sets."""

    _name = "cae.expense.report"
    _description = "Expense report"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "cae.deadline.source",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True
    # Submitting the month closes the calendar's expense-report deadline.
    _cae_closing_event = "expense_report_submitted"

    name = fields.Char(
        string="Number", readonly=True, copy=False, default="/", index="trigram"
    )
    activity_id = fields.Many2one(
        "cae.activity",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="activity_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    entrepreneur_id = fields.Many2one(
        related="activity_id.entrepreneur_id", store=True, index=True
    )
    advisor_id = fields.Many2one(related="activity_id.advisor_id")
    date = fields.Date(
        string="Month",
        required=True,
        readonly=True,
        index=True,
        help="First day of the month the report covers.",
    )
    complement_number = fields.Integer(
        string="Complement",
        default=0,
        readonly=True,
        copy=False,
        help="0 for the month's report; 1, 2… for the complementary reports of "
        "expenses entered after the month was submitted.",
    )
    month_label = fields.Char(string="Month name", compute="_compute_month_label")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("partial", "Partially paid"),
            ("paid", "Paid"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    line_ids = fields.One2many("cae.expense.line", "report_id", string="Expenses")
    line_count = fields.Integer(compute="_compute_amounts", store=True)
    amount_untaxed = fields.Monetary(
        string="Total excl. VAT", compute="_compute_amounts", store=True
    )
    amount_vat = fields.Monetary(string="VAT", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(
        string="Total incl. VAT", compute="_compute_amounts", store=True
    )
    amount_mileage = fields.Monetary(
        string="Mileage", compute="_compute_amounts", store=True
    )
    distance_km = fields.Float(
        string="Kilometres", compute="_compute_amounts", store=True, digits=(10, 1)
    )
    refusal_reason = fields.Text(
        readonly=True, tracking=True, help="Shown to the entrepreneur."
    )
    submitted_date = fields.Datetime(readonly=True, copy=False)
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    payment_date = fields.Date(readonly=True, copy=False, tracking=True)
    amount_paid = fields.Monetary(
        readonly=True,
        copy=False,
        tracking=True,
        help="Paid by the cooperative to the entrepreneur.",
    )
    amount_repaid = fields.Monetary(
        string="Repaid by the entrepreneur",
        readonly=True,
        copy=False,
        tracking=True,
        help="A negative report (after a year-end regularisation) is settled by the "
        "entrepreneur paying the difference back to the cooperative.",
    )
    amount_residual = fields.Monetary(
        string="Left to pay",
        compute="_compute_amount_residual",
        store=True,
        readonly=True,
        help="Negative when the entrepreneur owes the cooperative this amount.",
    )
    exported = fields.Boolean(readonly=True, copy=False, index=True, tracking=True)
    # Approved or paid: told in the entrepreneur's next digest, not in a mail.
    news_date = fields.Datetime(
        string="Last approval or payment", readonly=True, copy=False, index=True
    )
    export_date = fields.Datetime(readonly=True, copy=False)
    # What needs a look before deciding
    missing_receipt_count = fields.Integer(
        string="Missing receipts", compute="_compute_checks"
    )
    vat_mismatch_count = fields.Integer(
        string="VAT to check", compute="_compute_checks"
    )
    duplicate_count = fields.Integer(
        string="Possible duplicates", compute="_compute_checks"
    )
    old_line_count = fields.Integer(
        string="Lines over 3 months", compute="_compute_checks"
    )
    needs_attention = fields.Boolean(
        string="Needs a look",
        compute="_compute_checks",
        search="_search_needs_attention",
    )
    check_summary = fields.Char(string="To look at", compute="_compute_checks")

    _sql_constraints = [
        (
            "activity_month_unique",
            "UNIQUE(activity_id, date, complement_number)",
            "An activity has one expense report per month, and numbered "
            "complementary reports.",
        ),
        (
            "amount_paid_positive",
            "CHECK(amount_paid >= 0)",
            "The amount paid cannot be negative.",
        ),
        (
            "amount_repaid_positive",
            "CHECK(amount_repaid >= 0)",
            "The amount repaid cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "line_ids.amount_total",
        "line_ids.amount_vat",
        "line_ids.amount_untaxed",
        "line_ids.distance_km",
        "line_ids.is_mileage",
    )
    def _compute_amounts(self):
        totals = defaultdict(lambda: defaultdict(float))
        for line in self.line_ids:
            values = totals[line.report_id.id]
            values["count"] += 1
            values["untaxed"] += line.amount_untaxed
            values["vat"] += line.amount_vat
            values["total"] += line.amount_total
            if line.is_mileage:
                values["mileage"] += line.amount_total
                values["km"] += line.distance_km
        for report in self:
            values = totals[report.id]
            round_ = report.currency_id.round
            report.line_count = int(values["count"])
            report.amount_untaxed = round_(values["untaxed"])
            report.amount_vat = round_(values["vat"])
            report.amount_total = round_(values["total"])
            report.amount_mileage = round_(values["mileage"])
            report.distance_km = values["km"]

    @api.depends("amount_total", "amount_paid", "amount_repaid", "state")
    def _compute_amount_residual(self):
        for report in self:
            due = report.state in PAYABLE_STATES
            report.amount_residual = (
                report.amount_total - report.amount_paid + report.amount_repaid
                if due
                else 0.0
            )

    @api.depends("date", "complement_number")
    def _compute_month_label(self):
        for report in self:
            label = (
                format_date(self.env, report.date, date_format="MMMM y")
                if report.date
                else ""
            )
            if report.complement_number == 1:
                label = self.env._("%(month)s (complement)", month=label)
            elif report.complement_number > 1:
                label = self.env._(
                    "%(month)s (complement %(number)s)",
                    month=label,
                    number=report.complement_number,
                )
            report.month_label = label

    @api.depends("activity_id", "month_label", "name")
    def _compute_display_name(self):
        for report in self:
            report.display_name = self.env._(
                "%(number)s · %(activity)s · %(month)s",
                number=report.name,
                activity=report.activity_id.sudo().name,
                month=report.month_label,
            )

    @api.depends_context("uid")  # duplicates depend on who looks (issue 8)
    def _compute_checks(self):
        lines = self.line_ids
        # Computed in one batch for all the lines of all the reports.
        lines.mapped("receipt_missing")
        lines.mapped("duplicate_line_ids")
        for report in self:
            report_lines = report.line_ids
            report.missing_receipt_count = len(report_lines.filtered("receipt_missing"))
            report.vat_mismatch_count = len(report_lines.filtered("vat_mismatch"))
            report.duplicate_count = len(report_lines.filtered("duplicate_line_ids"))
            report.old_line_count = len(report_lines.filtered("is_old"))
            missing = report.missing_receipt_count
            vat = report.vat_mismatch_count
            duplicates = report.duplicate_count
            old = report.old_line_count
            # One msgid per plural form: French says "1 doublon possible".
            labels = [
                plural(self.env, count, one, other)
                for count, one, other in (
                    (
                        missing,
                        self.env._("%(count)s missing receipt", count=missing),
                        self.env._("%(count)s missing receipts", count=missing),
                    ),
                    (
                        vat,
                        self.env._("%(count)s VAT to check", count=vat),
                        self.env._("%(count)s VAT to check", count=vat),
                    ),
                    (
                        duplicates,
                        self.env._("%(count)s possible duplicate", count=duplicates),
                        self.env._("%(count)s possible duplicates", count=duplicates),
                    ),
                    (
                        old,
                        self.env._("%(count)s line over 3 months", count=old),
                        self.env._("%(count)s lines over 3 months", count=old),
                    ),
                )
                if count
            ]
            report.check_summary = ", ".join(labels)
            report.needs_attention = bool(labels)

    def _search_needs_attention(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search."))
        # Only reports still waiting for a decision are worth checking.
        reports = self.search([("state", "=", "submitted")])
        flagged = reports.filtered("needs_attention").ids
        if (operator == "=") == value:
            return [("id", "in", flagged)]
        return [("id", "not in", flagged)]

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for report in self:
            report.access_url = f"/my/expenses/{report.id}"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A report starts as a draft of its activity and month, whoever calls:
            # no state, amount, name or signature given at birth.
            check_protected_fields(self, vals, owned=PROTECTED_FIELDS - CREATE_FIELDS)
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("cae.expense.report")
                    or "/"
                )
            if vals.get("date"):
                vals["date"] = fields.Date.to_date(vals["date"]).replace(day=1)
            # The portal token is made now: the month's page is a read-only route
            # (a replica may serve it), which cannot write it.
            vals["access_token"] = str(uuid.uuid4())
        if not self.env.su:
            self._check_month_begun(vals_list)
        return super().create(vals_list)

    def _check_month_begun(self, vals_list):
        """A report made by hand is for a month that has begun: a report for a
        month to come would catch the entrepreneur's expenses of that month before
        the month exists (the module's own code opens next months itself)."""
        activities = self.env["cae.activity"].browse(
            {vals["activity_id"] for vals in vals_list if vals.get("activity_id")}
        )
        # The activity's company's day (one CAE, one time zone), not the caller's.
        today = {
            activity.id: activity.company_id._cae_today()
            for activity in activities.sudo()
        }
        for vals in vals_list:
            month_begun = today.get(
                vals.get("activity_id"), self.env.company._cae_today()
            ).replace(day=1)
            if vals.get("date") and vals["date"] > month_begun:
                raise UserError(
                    self.env._(
                        "An expense report is for a month that has begun: %(month)s "
                        "has not.",
                        month=format_date(self.env, vals["date"], date_format="MMMM y"),
                    )
                )

    def write(self, vals):
        protected = PROTECTED_FIELDS & set(vals)
        # Only the workflow methods, as superuser after their checks, change these;
        # no context key opens this door (any JSON-RPC caller sets any context).
        if protected and not self.env.su:
            raise UserError(
                self.env._(
                    "Use the buttons of the expense report (submit, approve, refuse, "
                    "register a payment, export) to change its state."
                )
            )
        # Related and computed values (the entrepreneur, the company) follow the
        # activity; written here, they would write through to it.
        check_protected_fields(self, vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_empty_drafts(self):
        for report in self:
            if report.state not in EDITABLE_STATES or report.line_ids:
                raise UserError(
                    self.env._(
                        "Only an empty report not yet submitted can be deleted; "
                        "“%(report)s” is kept with the accounting records.",
                        report=report.display_name,
                    )
                )

    @api.model
    def _get_or_create(self, keys):
        """The report where an expense of {(activity_id, first day of month)} goes,
        created when missing: the month's report while it is open (draft or
        refused); once it is submitted, a complementary report of that month or
        the next open month's report, as the company sets (never a dead end)."""
        if not keys:
            return {}
        activity_ids = list({activity_id for activity_id, _month in keys})
        months = list({month for _activity_id, month in keys})
        existing = self.search(
            [("activity_id", "in", activity_ids), ("date", "in", months)],
            order="complement_number desc",
        )
        by_key = defaultdict(list)
        for report in existing:
            by_key[(report.activity_id.id, report.date)].append(report)
        reports, to_create, late = {}, [], []
        for key in keys:
            month_reports = by_key.get(key)
            open_reports = [
                r for r in month_reports or () if r.state in EDITABLE_STATES
            ]
            if open_reports:
                reports[key] = open_reports[0]
            elif not month_reports:
                to_create.append({"activity_id": key[0], "date": key[1]})
            else:
                late.append((key, month_reports[0]))
        for key, last in late:
            company = last.activity_id.company_id
            if company.cae_late_expense_policy == "next_month":
                reports[key] = self._next_open_report(last.activity_id, key[1])
            else:
                to_create.append(
                    {
                        "activity_id": key[0],
                        "date": key[1],
                        "complement_number": last.complement_number + 1,
                    }
                )
        if to_create:
            created = self.create(to_create)
            reports.update({(r.activity_id.id, r.date): r for r in created})
        return reports

    @api.model
    def _next_open_report(self, activity, month):
        """The first report still open after ``month`` (the month's report of the
        first later month that has one open or none yet), created when missing."""
        later = self.search(
            [("activity_id", "=", activity.id), ("date", ">", month)],
            order="date, complement_number desc",
        )
        month = month + relativedelta(months=1)
        while True:
            month_reports = later.filtered(lambda r, m=month: r.date == m)
            if not month_reports:
                return self.create({"activity_id": activity.id, "date": month})
            open_reports = month_reports.filtered(lambda r: r.state in EDITABLE_STATES)
            if open_reports:
                return open_reports[0]
            month += relativedelta(months=1)

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _lock(self, share=False):
        """Lock the reports' rows so two people cannot act on them at once.

        Transitions take an exclusive lock, line changes a shared one (several
        lines of one report change at once), neither waiting: the second person
        gets a clear message at once, and no worker sits waiting on a lock during
        the month-end rush. Under Odoo's repeatable-read isolation, a change
        committed meanwhile makes the request retry, so the state checked below is
        always current.
        """
        if not self.ids:
            return
        self.flush_recordset()
        mode = SQL("FOR SHARE NOWAIT") if share else SQL("FOR UPDATE NOWAIT")
        try:
            # A busy row is expected here, not a bad query worth an error log.
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM cae_expense_report WHERE id IN %s %s",
                        tuple(self.ids),
                        mode,
                    )
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "Someone else is working on this expense report right now. "
                    "Try again in a moment."
                )
            ) from error
        self.invalidate_recordset(["state"])

    def _check_editable(self):
        """Lines can be added, changed or removed only while the report is a draft
        or has been refused (sent back for correction)."""
        self.sudo()._lock(share=True)
        for report in self.sudo():
            if report.state not in EDITABLE_STATES:
                raise UserError(
                    self.env._(
                        "The expense report %(report)s is %(state)s: its expenses "
                        "can no longer be changed. An expense you add for its month "
                        "goes into a complementary report.",
                        report=report.name,
                        state=report._state_label(),
                    )
                )

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_state(self, allowed):
        for report in self:
            if report.state not in allowed:
                raise UserError(
                    self.env._(
                        "The expense report %(report)s is %(state)s: this is not "
                        "possible any more (someone may have just done it).",
                        report=report.name,
                        state=report._state_label(),
                    )
                )

    def _check_accountant(self):
        """Only the cooperative's accountants decide on reports and record money."""
        if not self.env.su and not self.env.user.has_group(
            "gestions_radieuses.group_accountant"
        ):
            raise AccessError(
                self.env._("Only the accountants of the cooperative can do this.")
            )
        self.check_access("write")

    def _transition(self, vals):
        return self.sudo().write(vals)

    def action_submit(self):
        """The entrepreneur (or the support team for them) hands in the month."""
        self.check_access("read")
        user = self.env.user
        if not self.env.su and user.share:
            # One query for all the reports' activities, not one per report.
            if self and not self.sudo().activity_id._cae_is_member(user):
                raise AccessError(
                    self.env._("You can only submit your own expense reports.")
                )
            self.sudo().activity_id._cae_check_open_for_expenses()
        elif not self.env.su and not (
            user.has_group("gestions_radieuses.group_advisor")
            or user.has_group("gestions_radieuses.group_accountant")
        ):
            raise AccessError(self.env._("You cannot submit expense reports."))
        self._lock()
        self._check_state(EDITABLE_STATES)
        empty = self.filtered(lambda r: not r.sudo().line_ids)
        if empty:
            raise UserError(
                self.env._(
                    "The expense report %(report)s has no expense yet: add them "
                    "before submitting the month.",
                    report=empty[0].name,
                )
            )
        self._transition(
            {
                "state": "submitted",
                "submitted_date": fields.Datetime.now(),
                "submitted_by_id": user.id,
            }
        )
        for report in self.sudo():
            report.message_post(
                body=self.env._("Submitted by %(user)s.", user=user.name),
                subtype_xmlid="mail.mt_note",
            )
        self._cae_close_deadlines()
        return True

    def _cae_closing_days(self):
        """The submitted months: their expense-report deadlines are done."""
        by_month = defaultdict(lambda: self.env["cae.activity"])
        for report in self.sudo():
            by_month[report.date] |= report.activity_id
        return by_month

    def action_approve(self):
        self._check_accountant()
        self._lock()
        self._check_state(("submitted",))
        partner = self.env.user.partner_id
        for report in self.sudo():
            if not self.env.su and partner in report.activity_id.member_partner_ids:
                raise AccessError(
                    self.env._(
                        "You cannot approve your own expense report %(report)s: "
                        "another accountant must do it.",
                        report=report.name,
                    )
                )
        return self._transition(
            {
                "state": "approved",
                "approved_date": fields.Datetime.now(),
                "approved_by_id": self.env.user.id,
                "refusal_reason": False,
                "news_date": fields.Datetime.now(),
            }
        )

    def action_refuse(self):
        """Open the wizard that asks the entrepreneur's reason (core's shape: the
        button opens a wizard, the wizard calls ``_do_refuse``)."""
        self._check_accountant()
        self._check_state(self._cae_refusable_states())
        return self._wizard_action(
            "cae.expense.refuse.wizard", self.env._("Refuse expense reports")
        )

    @api.model
    def _cae_refusable_states(self):
        """States a report can be sent back from (the accounting addon adds
        "approved": an approved report not yet paid is refused by reversing its
        entry)."""
        return ("submitted",)

    def _do_refuse(self, reason):
        """Send the reports back to the entrepreneur with the reason, lines intact."""
        self._check_accountant()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Say why the report is refused: the entrepreneur reads it to "
                    "correct it."
                )
            )
        self._lock()
        self._check_state(self._cae_refusable_states())
        self._transition({"state": "refused", "refusal_reason": reason})
        for report in self.sudo():
            report._post_refusal(reason)
        return True

    def _post_refusal(self, reason):
        """One e-mail at once to the activity's entrepreneurs, whose subject says
        the month is to correct, with the reason and a link to correct it (in the
        language of the entrepreneur the activity is for)."""
        self.ensure_one()
        partners = self.activity_id.member_partner_ids
        lang = self.entrepreneur_id.lang or partners[:1].lang or self.env.lang
        report = self.with_context(lang=lang)
        env = report.env
        url = f"{report.get_base_url()}{report.access_url}"
        body = Markup("<p>%s</p><p><em>%s</em></p><p><a href='%s'>%s</a></p>") % (
            env._(
                "Your report of %(month)s was sent back to you by the accountant:",
                month=month_of(env, report.date),
            ),
            reason,
            url,
            env._("Correct it on your expenses page"),
        )
        report.message_post(
            subject=env._(
                "Your %(month)s report needs correcting",
                month=month_of(env, report.date, with_year=False),
            ),
            body=body,
            subtype_xmlid="mail.mt_comment",
            partner_ids=partners.ids,
        )

    def action_register_payment(self):
        """Open the wizard that asks the amount and the date; it calls
        ``_do_register_payment``."""
        self._check_accountant()
        self._check_state(PAYABLE_STATES)
        return self._wizard_action(
            "cae.expense.payment.wizard", self.env._("Register a payment")
        )

    def _do_register_payment(self, amount=None, date=None):
        """Record a payment; without an amount, what is left to pay is paid.

        A payment of part of what is due leaves the report "partially paid" with the
        rest shown; the next payment completes it. For a negative report (the
        entrepreneur owes the cooperative after a regularisation), the amount is the
        repayment received from the entrepreneur.
        """
        self._check_accountant()
        self._lock()
        self._check_state(PAYABLE_STATES)
        date = fields.Date.to_date(date) if date else None
        self._check_payment_date(date)
        for report in self.sudo():
            currency = report.currency_id
            residual = report.amount_residual
            owed_back = currency.compare_amounts(residual, 0) < 0
            paid = report._check_settled_amount(amount, residual)
            left = abs(residual) - paid
            vals = {
                "state": "paid" if currency.is_zero(left) else "partial",
                "payment_date": date or report.company_id._cae_today(),
                "news_date": fields.Datetime.now(),
            }
            if owed_back:
                vals["amount_repaid"] = report.amount_repaid + paid
            else:
                vals["amount_paid"] = report.amount_paid + paid
            report._transition(vals)
        return True

    def _check_settled_amount(self, amount, residual):
        """What a payment settles: ``amount``, or all that is left (``residual``,
        negative when the entrepreneur owes it), more than zero and not more than
        what is left."""
        self.ensure_one()
        currency = self.currency_id
        paid = abs(residual) if amount is None else amount
        if currency.compare_amounts(paid, 0) <= 0:
            raise UserError(
                self.env._(
                    "The amount paid for %(report)s must be more than zero.",
                    report=self.name,
                )
            )
        if currency.compare_amounts(paid, abs(residual)) > 0:
            raise UserError(
                self.env._(
                    "%(amount)s is more than what is left to settle on %(report)s "
                    "(%(residual)s).",
                    amount=paid,
                    report=self.name,
                    residual=abs(residual),
                )
            )
        return paid

    def _check_payment_date(self, date):
        """A payment is recorded once made: not dated after the CAE's today, nor
        before the month its report covers (the entrepreneur reads the date)."""
        if not date:
            return
        for report in self.sudo():
            today = report.company_id._cae_today()
            if date > today or date < report.date:
                raise UserError(
                    self.env._(
                        "The payment of %(report)s must be dated between %(first)s "
                        "and today (%(today)s).",
                        report=report.name,
                        first=format_date(self.env, report.date),
                        today=format_date(self.env, today),
                    )
                )

    def _mark_exported(self):
        self._transition({"exported": True, "export_date": fields.Datetime.now()})

    def _wizard_action(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_report_ids": self.ids},
        }

    @api.model
    def _portal_home_summary(self):
        """This month's total and what is left to do, for the portal home tile
        (shown when the counter cae_expense_activity_count finds an activity)."""
        if not self.env.user.share or not self.has_access("read"):
            return None
        month = self.env.company._cae_today().replace(day=1)
        current = self.search([("date", "=", month)])
        todo = self.search([("state", "=", "draft"), ("line_count", ">", 0)])
        # Sent back for correction: flagged apart on the tile.
        refused = self.search([("state", "=", "refused")])
        # One month to act on: the tile opens it (one tap less).
        to_open = refused if refused else todo
        return {
            "total": sum(current.mapped("amount_total")),
            "currency": self.env.company.currency_id,
            "todo": len(todo),
            "refused": len(refused),
            "url": to_open.access_url if len(to_open) == 1 else "/my/expenses",
        }
