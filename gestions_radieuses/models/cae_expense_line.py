import base64
import binascii
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ..tools import RECEIPT_MIMETYPES, check_uploaded_attachments
from ..tools.protected_fields import check_protected_fields
from ..tools.uploads import MAX_REQUEST_MB, MB
from .cae_expense_category import VAT_RATES
from .cae_mileage_scale import VEHICLE_TYPES

# Longest trip one mileage line may hold; longer trips are split or checked by hand.
MAX_TRIP_KM = 2000
# Largest amount one expense line may hold: beyond it, a purchase is not an expense
# to refund but an investment or a supplier invoice for the support team.
MAX_LINE_AMOUNT = 100000
# A line older than this many months needs a look from the accountant.
OLD_LINE_MONTHS = 3
# Fields of a line that decide its mileage amount (or would override it).
MILEAGE_FIELDS = {
    "distance_km",
    "date",
    "category_id",
    "activity_id",
    "amount_total",
    "amount_vat",
    "vat_rate",
}
# Fields only the cooperative sets: entrepreneurs never write them, even over RPC.
STAFF_ONLY_FIELDS = {
    "vehicle_type",
    "vehicle_fiscal_power",
    "vehicle_electric",
    "mileage_scale_id",
}
# Fields nobody writes directly, only the module's own code (as superuser): computed
# or related values and where a line belongs.
PROTECTED_FIELDS = {
    "state",
    "is_mileage",
    # A regularisation line skips the checks of amounts and dates: only the
    # regularisation wizard's code makes one.
    "is_regularisation",
    "regularisation_note",
    "amount_untaxed",
    "company_id",
    "report_id",
    "submission_token",
}
# At most this many receipts on one line, whatever the number of requests.
MAX_RECEIPTS_PER_LINE = 5


class CaeExpenseLine(models.Model):
    _name = "cae.expense.line"
    _description = "Expense"
    _order = "date desc, id desc"
    _check_company_auto = True

    report_id = fields.Many2one(
        "cae.expense.report",
        string="Expense report",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
        help="This month's report of the activity, found or created automatically.",
    )
    activity_id = fields.Many2one(
        "cae.activity",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="activity_id.company_id",
        store=True,
        index=True,
        precompute=True,
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        related="report_id.state", store=True, index=True, readonly=True
    )
    spent_by_id = fields.Many2one(
        "res.partner",
        string="Spent by",
        index=True,
        help="Which of the activity's entrepreneurs spent it.",
    )
    date = fields.Date(
        required=True, default=lambda self: self.env.company._cae_today(), index=True
    )
    category_id = fields.Many2one(
        "cae.expense.category",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    is_mileage = fields.Boolean(
        related="category_id.is_mileage", store=True, readonly=True
    )
    name = fields.Char(string="Description")
    amount_total = fields.Monetary(
        string="Amount incl. VAT", currency_field="currency_id"
    )
    vat_rate = fields.Selection(
        VAT_RATES,
        string="VAT rate",
        compute="_compute_vat_rate",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount_vat = fields.Monetary(
        string="VAT",
        compute="_compute_amount_vat",
        store=True,
        readonly=False,
        precompute=True,
        currency_field="currency_id",
        help="Computed from the rate; correct it to the VAT printed on the receipt.",
    )
    amount_untaxed = fields.Monetary(
        string="Amount excl. VAT",
        compute="_compute_amount_untaxed",
        store=True,
        readonly=True,
        precompute=True,
        currency_field="currency_id",
    )
    # Mileage
    trip_from = fields.Char(string="From")
    trip_to = fields.Char(string="To")
    distance_km = fields.Float(string="Kilometres", digits=(10, 1))
    vehicle_type = fields.Selection(VEHICLE_TYPES, readonly=True)
    vehicle_fiscal_power = fields.Integer(string="Fiscal power (CV)", readonly=True)
    vehicle_electric = fields.Boolean(string="Fully electric", readonly=True)
    mileage_scale_id = fields.Many2one(
        "cae.mileage.scale", string="Mileage scale", readonly=True
    )
    is_regularisation = fields.Boolean(
        string="Year-end regularisation",
        readonly=True,
        help="Difference between the mileage paid per trip and the banded scale on "
        "the year's total distance.",
    )
    regularisation_note = fields.Text(string="Computation", readonly=True)
    # The token of the portal form that created the line: the same form sent twice
    # creates one line.
    submission_token = fields.Char(
        readonly=True, copy=False, groups="base.group_system"
    )
    # Receipts are attachments of the line (res_model / res_id).
    receipt_ids = fields.Many2many(
        "ir.attachment", string="Receipts", compute="_compute_receipts"
    )
    receipt_count = fields.Integer(compute="_compute_receipts")
    receipt_missing = fields.Boolean(compute="_compute_receipts")
    # What the accountant should look at
    vat_mismatch = fields.Boolean(
        string="VAT does not match the rate", compute="_compute_vat_mismatch"
    )
    duplicate_line_ids = fields.Many2many(
        "cae.expense.line",
        string="Possible duplicates",
        compute="_compute_duplicates",
    )
    duplicate_reason = fields.Char(compute="_compute_duplicates")
    is_old = fields.Boolean(
        string="More than three months old", compute="_compute_is_old"
    )

    _sql_constraints = [
        (
            "submission_token_unique",
            "UNIQUE(submission_token)",
            "This form has already been sent.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("category_id")
    def _compute_vat_rate(self):
        for line in self:
            line.vat_rate = line.category_id.vat_rate or "0"

    def _expected_vat(self):
        self.ensure_one()
        rate = float(self.vat_rate or 0)
        return self.currency_id.round(self.amount_total * rate / (100 + rate))

    @api.depends("amount_total", "vat_rate")
    def _compute_amount_vat(self):
        for line in self:
            line.amount_vat = line._expected_vat()

    @api.depends("amount_total", "amount_vat")
    def _compute_amount_untaxed(self):
        for line in self:
            line.amount_untaxed = line.amount_total - line.amount_vat

    @api.depends("amount_total", "amount_vat", "vat_rate")
    def _compute_vat_mismatch(self):
        for line in self:
            line.vat_mismatch = not line.is_regularisation and bool(
                line.currency_id.compare_amounts(line.amount_vat, line._expected_vat())
            )

    def _compute_receipts(self):
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                ],
                order="id",
            )
        )
        by_line = defaultdict(list)
        for attachment in attachments:
            by_line[attachment.res_id].append(attachment.id)
        for line in self:
            ids = by_line.get(line.id, [])
            line.receipt_ids = [fields.Command.set(ids)]
            line.receipt_count = len(ids)
            line.receipt_missing = (
                not ids
                and line.category_id.receipt_required
                and not line.is_mileage
                and not line.is_regularisation
            )

    @api.depends_context("uid")
    def _compute_duplicates(self):
        """Same receipt file anywhere in the company, or the same expense twice.

        The same expense: same activity, date and amount; for a trip, the same date,
        route (from, to: the way back of a round trip is another trip) and
        kilometres. Staff see the duplicates company-wide; an entrepreneur only among
        the lines they may read, so that nothing tells them about other people's
        files.
        """
        duplicates = defaultdict(set)
        reasons = defaultdict(set)
        lines = self.filtered("id")
        Attachment = self.env["ir.attachment"].sudo()
        own = Attachment.search(
            [("res_model", "=", self._name), ("res_id", "in", lines.ids)]
        )
        if own:
            same_files = Attachment.search(
                [
                    ("res_model", "=", self._name),
                    ("checksum", "in", list(set(own.mapped("checksum")))),
                ]
            )
            by_checksum = defaultdict(set)
            for attachment in same_files:
                by_checksum[attachment.checksum].add(attachment.res_id)
            other_ids = {res_id for ids in by_checksum.values() for res_id in ids}
            companies = {
                line.id: line.company_id.id
                for line in self.sudo().browse(other_ids).exists()
            }
            for attachment in own:
                for other_id in by_checksum[attachment.checksum]:
                    if other_id != attachment.res_id and companies.get(
                        other_id
                    ) == companies.get(attachment.res_id):
                        duplicates[attachment.res_id].add(other_id)
                        reasons[attachment.res_id].add(("file", other_id))
        candidates = lines.filtered(lambda line: not line.is_regularisation)
        if candidates:
            same = defaultdict(set)
            for other in self.sudo().search_fetch(
                [
                    ("activity_id", "in", candidates.activity_id.ids),
                    ("date", "in", list(set(candidates.mapped("date")))),
                    ("is_regularisation", "=", False),
                ],
                [
                    "activity_id",
                    "date",
                    "amount_total",
                    "is_mileage",
                    "trip_from",
                    "trip_to",
                    "distance_km",
                ],
            ):
                same[other._duplicate_key()].add(other.id)
            for line in candidates:
                others = same.get(line._duplicate_key(), set()) - {line.id}
                if others:
                    duplicates[line.id] |= others
                    reasons[line.id] |= {("amount", other) for other in others}
        if self.env.user.share:
            # Among the lines the entrepreneur may read only (their record rules).
            all_ids = {other for ids in duplicates.values() for other in ids}
            visible = set(
                self.with_user(self.env.user).search([("id", "in", list(all_ids))]).ids
            )
            duplicates = {line_id: ids & visible for line_id, ids in duplicates.items()}
            reasons = {
                line_id: {(key, other) for key, other in why if other in visible}
                for line_id, why in reasons.items()
            }
        others = self.sudo().browse(
            sorted({other for ids in duplicates.values() for other in ids})
        )
        names = {other.id: other._duplicate_label() for other in others}
        for line in self:
            line.duplicate_line_ids = [
                fields.Command.set(sorted(duplicates.get(line.id, ())))
            ]
            line.duplicate_reason = self._duplicate_reason(
                reasons.get(line.id, set()), names
            )

    def _duplicate_reason(self, reasons, names):
        """What the line shares with which other lines ("same receipt file as
        …; same date and amount as …"), from its (kind, other line id) pairs."""
        why = defaultdict(set)
        for key, other in reasons:
            why[key].add(names[other])
        parts = []
        if why["file"]:
            parts.append(
                self.env._(
                    "same receipt file as %(lines)s",
                    lines=", ".join(sorted(why["file"])),
                )
            )
        if why["amount"]:
            parts.append(
                self.env._(
                    "same date and amount as %(lines)s",
                    lines=", ".join(sorted(why["amount"])),
                )
            )
        return "; ".join(parts)

    def _duplicate_label(self):
        """Which other line: what, when, in which report (to find it at once)."""
        self.ensure_one()
        return self.env._(
            "“%(line)s” of %(date)s (%(report)s)",
            line=self.name or self.category_id.name or "",
            date=format_date(self.env, self.date),
            report=self.report_id.name or "",
        )

    def _duplicate_key(self):
        """What two lines share when one may be the other entered twice."""
        self.ensure_one()
        if self.is_mileage:
            return (
                self.activity_id.id,
                self.date,
                "trip",
                (self.trip_from or "").strip().lower(),
                (self.trip_to or "").strip().lower(),
                round(self.distance_km, 1),
            )
        return (self.activity_id.id, self.date, round(self.amount_total, 2))

    @api.depends("date")
    def _compute_is_old(self):
        for line in self:
            limit = line.company_id._cae_today() - relativedelta(months=OLD_LINE_MONTHS)
            line.is_old = not line.is_regularisation and line.date < limit

    @api.depends("category_id", "name", "date", "amount_total")
    def _compute_display_name(self):
        for line in self:
            label = line.name or line.category_id.name or ""
            line.display_name = f"{fields.Date.to_string(line.date)} · {label}"

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date")
    def _check_date(self):
        """When a date is given (not when the module reprices an old trip: a scale
        published late reprices trips of more than a year ago, and tests that move
        the clock back meet lines dated after it)."""
        for line in self:
            today = line.company_id._cae_today()
            oldest = today - relativedelta(years=1)
            if line.is_regularisation:
                continue
            if line.date > today:
                raise ValidationError(
                    self.env._(
                        "The date %(date)s is in the future: enter the day you spent "
                        "it.",
                        date=line.date,
                    )
                )
            if line.date < oldest:
                raise ValidationError(
                    self.env._(
                        "The date %(date)s is more than a year ago: such an old "
                        "expense can no longer be refunded this way. Talk to your "
                        "support team.",
                        date=line.date,
                    )
                )

    @api.constrains(
        "amount_total", "amount_vat", "vat_rate", "distance_km", "category_id"
    )
    def _check_values(self):
        for line in self:
            if line.is_regularisation:
                continue
            if line.is_mileage:
                if line.distance_km <= 0 or line.distance_km > MAX_TRIP_KM:
                    raise ValidationError(
                        self.env._(
                            "Enter the kilometres of the trip: more than 0 and at "
                            "most %(max)s km for one line.",
                            max=MAX_TRIP_KM,
                        )
                    )
            elif line.currency_id.compare_amounts(line.amount_total, 0) <= 0:
                raise ValidationError(
                    self.env._(
                        "Enter the amount you paid, including VAT: it must be more "
                        "than zero."
                    )
                )
            elif (
                line.currency_id.compare_amounts(line.amount_total, MAX_LINE_AMOUNT) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(amount)s is more than one expense can hold (%(max)s): "
                        "check the amount, or ask your support team how to handle "
                        "such a purchase.",
                        amount=line.amount_total,
                        max=MAX_LINE_AMOUNT,
                    )
                )
            if line.amount_vat < 0 or line.amount_vat > line.amount_total:
                raise ValidationError(
                    self.env._(
                        "The VAT (%(vat)s) cannot be negative nor more than the amount "
                        "including VAT (%(total)s).",
                        vat=line.amount_vat,
                        total=line.amount_total,
                    )
                )

    @api.constrains("spent_by_id", "activity_id")
    def _check_spent_by(self):
        for line in self:
            if (
                line.spent_by_id
                and line.spent_by_id not in line.activity_id.sudo().member_partner_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(person)s does not run the activity %(activity)s.",
                        person=line.spent_by_id.name,
                        activity=line.activity_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: lines land in this month's report of their activity
    # ------------------------------------------------------------------
    def _check_staff_only_fields(self, vals_list):
        if self.env.su or not self.env.user.share:
            return
        if any(STAFF_ONLY_FIELDS & set(vals) for vals in vals_list):
            raise AccessError(
                self.env._(
                    "The vehicle and the year-end regularisation of an expense are "
                    "set by the cooperative."
                )
            )

    def _check_protected_fields(self, vals_list):
        """Computed values, states and where a line belongs are never written by a
        user's call, whatever its context: only the module's code, as superuser."""
        for vals in vals_list:
            check_protected_fields(self, vals, PROTECTED_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_protected_fields(vals_list)
        self._check_staff_only_fields(vals_list)
        Report = self.env["cae.expense.report"]
        activity_ids = {vals.get("activity_id") for vals in vals_list} - {None, False}
        activities = self.env["cae.activity"].browse(activity_ids)
        # The activity must be one the user may see (portal rules included).
        activities.check_access("read")
        keys = set()
        for vals in vals_list:
            if vals.get("report_id"):
                report = Report.browse(vals["report_id"])
                vals.setdefault("activity_id", report.activity_id.id)
                vals.setdefault("date", report.date)
            elif not vals.get("activity_id"):
                raise ValidationError(
                    self.env._("Choose the activity this expense is for.")
                )
            date = fields.Date.to_date(
                vals.get("date")
                or activities.browse(vals["activity_id"]).company_id._cae_today()
            )
            vals["date"] = date
            if not vals.get("report_id"):
                keys.add((vals["activity_id"], date.replace(day=1)))
        reports = Report.sudo()._get_or_create(keys)
        for vals in vals_list:
            if not vals.get("report_id"):
                vals["report_id"] = reports[
                    (vals["activity_id"], vals["date"].replace(day=1))
                ].id
            if not self.env.su and self.env.user.share:
                vals.setdefault("spent_by_id", self.env.user.partner_id.id)
        Report.browse({vals["report_id"] for vals in vals_list})._check_editable()
        lines = super().create(vals_list)
        lines._check_report_consistency()
        lines.filtered("is_mileage")._update_mileage()
        return lines

    def write(self, vals):
        # Access rights first: a portal user gets "not allowed", whatever the state.
        self.check_access("write")
        self._check_protected_fields([vals])
        self._check_staff_only_fields([vals])
        self.report_id._check_editable()
        # As priced before the change: what a changed trip moves for the others.
        before = self._mileage_priced_state() if MILEAGE_FIELDS & set(vals) else {}
        if "activity_id" in vals or "date" in vals:
            if "report_id" in vals:
                raise UserError(self.env._("Change the date, not the report."))
            if vals.get("activity_id"):
                # Record rules check the line before the write, not where it goes.
                self.env["cae.activity"].browse(vals["activity_id"]).check_access(
                    "read"
                )
            result = True
            for line in self:
                activity_id = vals.get("activity_id", line.activity_id.id)
                date = fields.Date.to_date(vals.get("date", line.date))
                key = (activity_id, date.replace(day=1))
                # A line corrected within its month stays in its report (a
                # refused month's, not its complement's).
                report = (
                    line.report_id
                    if (line.report_id.activity_id.id, line.report_id.date) == key
                    else self.env["cae.expense.report"]
                    .sudo()
                    ._get_or_create({key})[key]
                )
                report.with_env(self.env)._check_editable()
                result = (
                    super(CaeExpenseLine, line).write({**vals, "report_id": report.id})
                    and result
                )
        else:
            result = super().write(vals)
        self._check_report_consistency()
        if MILEAGE_FIELDS & set(vals):
            self.filtered("is_mileage")._update_mileage(before)
        return result

    def unlink(self):
        self.check_access("unlink")
        self.report_id._check_editable()
        return super().unlink()

    def _check_report_consistency(self):
        for line in self:
            # A line of a month already submitted may go to a later month's
            # report (company setting), never to an earlier one.
            if line.report_id.activity_id != line.activity_id or (
                line.report_id.date < line.date.replace(day=1)
                and not line.is_regularisation
            ):
                raise ValidationError(
                    self.env._(
                        "An expense belongs to the report of its activity and month."
                    )
                )

    def _update_mileage(self, before=None):
        """Vehicle from the activity, scale of the trip's year (or the latest
        earlier one, provisionally: see cae_expense_line_mileage.py), amount at the
        marginal rate of the year (cae_mileage_marginal.py). ``before``: the trips'
        priced state before a change (_mileage_priced_state)."""
        for line in self:
            if line.is_regularisation:
                continue
            activity = line.activity_id.sudo()
            if not activity.vehicle_type:
                raise ValidationError(
                    self.env._(
                        "No vehicle is recorded for the activity %(activity)s: ask "
                        "your advisor to add it (type and fiscal power) before "
                        "entering a trip.",
                        activity=activity.name,
                    )
                )
            # No scale yet for the trip's year: the latest one, provisionally.
            scale, provisional = self.env["cae.mileage.scale"]._find_for_trip(
                line.date.year, activity.vehicle_type, activity.vehicle_fiscal_power
            )
            line._write_scale_figures(
                {
                    "mileage_provisional": provisional,
                    "vehicle_type": activity.vehicle_type,
                    "vehicle_fiscal_power": activity.vehicle_fiscal_power,
                    "vehicle_electric": activity.vehicle_electric,
                    "mileage_scale_id": scale.id,
                }
            )
        self._mileage_price(before or {})

    def _write_scale_figures(self, vals):
        """The scale's figures of a trip, written as superuser past write()'s checks
        (never a user's call: write() refuses a trip's amount to anyone else)."""
        # pylint: disable=super-method-mismatch
        return super(CaeExpenseLine, self.sudo()).write(vals)

    # ------------------------------------------------------------------
    # Receipts
    # ------------------------------------------------------------------
    def _attach_receipts(self, files):
        """Attach receipts given as [(filename, data)], checked like every upload:
        type from the content, size, at most five per line and 20 MB per call."""
        self.ensure_one()
        if self.env.su:
            pass
        elif self.env.user.share:
            self._portal_check_line()
        else:
            self.check_access("write")
        self.report_id.sudo()._check_editable()
        if files and not isinstance(files, (list, tuple)):
            raise ValidationError(self.env._("Send each receipt as a file."))
        decoded = []
        for item in files or ():
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise ValidationError(self.env._("Send each receipt as a file."))
            filename, data = item
            if isinstance(data, str):
                try:
                    data = base64.b64decode(data, validate=True)
                except (ValueError, binascii.Error) as error:
                    raise ValidationError(
                        self.env._("Send each receipt as a file.")
                    ) from error
            if not isinstance(data, bytes) or not data:
                raise ValidationError(self.env._("This file is empty."))
            decoded.append((str(filename or "receipt")[:200], data))
        Attachment = self.env["ir.attachment"].sudo()
        count = Attachment.search_count(
            [("res_model", "=", self._name), ("res_id", "=", self.id)]
        )
        if count + len(decoded) > MAX_RECEIPTS_PER_LINE:
            raise ValidationError(
                self.env._(
                    "An expense has at most %(max)s receipts (it has %(count)s).",
                    max=MAX_RECEIPTS_PER_LINE,
                    count=count,
                )
            )
        self._check_request_size(decoded)
        attachments = Attachment.create(
            [
                {
                    "name": filename,
                    "raw": data,
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for filename, data in decoded
            ]
        )
        check_uploaded_attachments(
            self.env, attachments, RECEIPT_MIMETYPES, self.sudo().company_id
        )
        return attachments.with_env(self.env)

    @api.model
    def _check_request_size(self, files):
        """All the files of one call together, [(file name, content)]."""
        if sum(len(data) for _name, data in files) > MAX_REQUEST_MB * MB:
            raise ValidationError(
                self.env._(
                    "Send at most %(max)s MB of files at once.", max=MAX_REQUEST_MB
                )
            )

    def action_view_receipts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Receipts"),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }
