from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

# Set only by the mileage engine (_update_mileage, repricing), never by a caller.
MILEAGE_ENGINE_FIELDS = {"mileage_provisional", "mileage_adjustment_line_id"}


class CaeExpenseLine(models.Model):
    """Trips of a year without its published scale: provisional price, repricing.

    A year's official scale comes in the spring of the following year. Until then its
    trips are priced by the latest earlier scale and marked provisional; adding the
    year's scale reprices them (see cae.mileage.scale._reprice_provisional_trips).
    """

    _inherit = "cae.expense.line"

    mileage_provisional = fields.Boolean(
        string="Provisional price",
        readonly=True,
        copy=False,
        help="Priced by an earlier year's scale because this year's official scale "
        "is not published yet; repriced when it is.",
    )
    mileage_scale_year = fields.Integer(
        related="mileage_scale_id.year", string="Priced by the scale of"
    )
    mileage_adjustment_line_id = fields.Many2one(
        "cae.expense.line",
        string="Adjusted by",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="Line of a later report holding the difference once the year's scale "
        "was published (this line's report was already submitted).",
    )
    mileage_price_note = fields.Char(
        string="Mileage price", compute="_compute_mileage_price_note"
    )

    @api.depends(
        "date",
        "mileage_provisional",
        "mileage_scale_id",
        "mileage_adjustment_line_id",
        "is_regularisation",
    )
    def _compute_mileage_price_note(self):
        for line in self:
            scale = line.sudo().mileage_scale_id
            adjustment = line.sudo().mileage_adjustment_line_id
            note = ""
            if not scale or line.is_regularisation:
                pass
            elif line.mileage_provisional and scale.year == line.date.year:
                note = self.env._(
                    "Provisional: the %(year)s scale is not official yet (its figures "
                    "are the previous year's); the trip is repriced when it is "
                    "published.",
                    year=scale.year,
                )
            elif line.mileage_provisional:
                note = self.env._(
                    "Provisional: priced by the %(scale_year)s scale, as the "
                    "%(year)s scale is not published yet; the trip is repriced when "
                    "it is.",
                    scale_year=scale.year,
                    year=line.date.year,
                )
            elif adjustment:
                note = self.env._(
                    "Priced by the %(scale_year)s scale while the %(year)s one was "
                    "not published; the difference is in the report %(report)s.",
                    scale_year=scale.year,
                    year=line.date.year,
                    report=adjustment.report_id.name,
                )
            else:
                note = self.env._(
                    "Priced by the %(year)s mileage scale.", year=scale.year
                )
            line.mileage_price_note = note

    @api.model_create_multi
    def create(self, vals_list):
        self._check_mileage_engine_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_mileage_engine_fields([vals])
        return super().write(vals)

    def _check_mileage_engine_fields(self, vals_list):
        if not self.env.su and any(MILEAGE_ENGINE_FIELDS & set(v) for v in vals_list):
            raise AccessError(
                self.env._(
                    "Whether a trip's price is provisional is set by the mileage "
                    "scale, not by hand."
                )
            )

    def _mileage_vehicle_key(self):
        self.ensure_one()
        return (self.vehicle_type, self.vehicle_fiscal_power, self.vehicle_electric)

    @api.model
    def _mileage_vehicle_label(self, vehicle_type, power, electric):
        types = dict(
            self.env["cae.mileage.scale"]
            ._fields["vehicle_type"]
            ._description_selection(self.env)
        )
        return self.env._(
            "%(type)s %(power)s CV%(electric)s",
            type=types.get(vehicle_type, ""),
            power=power,
            electric=self.env._(", electric") if electric else "",
        )

    @api.model
    def _mileage_next_open_report(self, activity, from_month, create_from=None):
        """The activity's first draft report from ``from_month`` on.

        An existing draft report if there is one; otherwise the report of the first
        month from ``create_from`` (default ``from_month``) on that has no report
        yet, created.
        """
        Report = self.env["cae.expense.report"].sudo()
        report = Report.search(
            [
                ("activity_id", "=", activity.id),
                ("state", "=", "draft"),
                ("date", ">=", from_month),
            ],
            order="date",
            limit=1,
        )
        if report:
            return report
        month = max(from_month, create_from or from_month)
        taken = set(
            Report.search(
                [("activity_id", "=", activity.id), ("date", ">=", month)]
            ).mapped("date")
        )
        while month in taken:  # all of them are past draft (searched above)
            month += relativedelta(months=1)
        return Report._get_or_create({(activity.id, month)})[(activity.id, month)]

    def _create_scale_adjustment(self, scale, new_amounts):
        """One explained line for trips of locked reports repriced by ``scale``.

        ``self``: provisional trips of one activity, year and vehicle whose reports
        are submitted, approved or paid; their amounts stay as decided. Returns the
        line (empty when there is no difference).
        """
        activity = self.activity_id.ensure_one()
        currency = activity.company_id.currency_id
        lang = activity.entrepreneur_id.lang or self.env.lang
        line = self[0].with_context(lang=lang)
        paid = currency.round(sum(self.mapped("amount_total")))
        due = currency.round(sum(new_amounts.values()))
        difference = currency.round(due - paid)
        if currency.is_zero(difference):
            return self.browse()
        vehicle = line._mileage_vehicle_label(*line._mileage_vehicle_key())
        # Values computed first: babel cannot extract a term whose call evaluates.
        km = f"{sum(self.mapped('distance_km')):g}"
        reports = ", ".join(sorted(set(self.report_id.mapped("name"))))
        old_years = ", ".join(
            str(year) for year in sorted(set(self.mapped("mileage_scale_year")))
        )
        amounts = {
            "paid": f"{paid:.2f}",
            "due": f"{due:.2f}",
            "difference": f"{difference:+.2f}",
        }
        note = line.env._(
            "%(count)s trip(s) of %(year)s (%(km)s km, %(vehicle)s) in reports "
            "already submitted (%(reports)s) were paid %(paid)s by the %(old_years)s "
            "scale while the %(year)s scale was not published. By the %(year)s "
            "scale they come to %(due)s: adjustment %(difference)s.",
            count=len(self),
            year=scale.year,
            km=km,
            vehicle=vehicle,
            reports=reports,
            old_years=old_years,
            **amounts,
        )
        last_month = max(self.report_id.mapped("date"))
        # A draft report after the trips' if any, else one from this month on.
        report = self._mileage_next_open_report(
            activity,
            last_month + relativedelta(months=1),
            create_from=activity.company_id._cae_today().replace(day=1),
        )
        return self.sudo().create(
            {
                "activity_id": activity.id,
                "report_id": report.id,
                "date": max(self.mapped("date")),
                "category_id": self[0].category_id.id,
                "name": line.env._(
                    "Scale adjustment %(year)s: %(vehicle)s",
                    year=scale.year,
                    vehicle=vehicle,
                ),
                "amount_total": difference,
                "vat_rate": "0",
                "amount_vat": 0.0,
                "is_regularisation": True,
                "vehicle_type": self[0].vehicle_type,
                "vehicle_fiscal_power": self[0].vehicle_fiscal_power,
                "vehicle_electric": self[0].vehicle_electric,
                "mileage_scale_id": scale.id,
                "regularisation_note": note,
            }
        )
