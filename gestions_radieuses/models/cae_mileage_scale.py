from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_round

# Changing these on a scale may make it the one pricing a year's provisional trips.
REPRICING_FIELDS = {
    "active",
    "year",
    "vehicle_type",
    "power_min",
    "power_max",
    "band_ids",
    "provisional",
}
VEHICLE_TYPES = [("car", "Car"), ("motorcycle", "Motorcycle"), ("moped", "Moped")]


class CaeMileageScale(models.Model):
    """One line of the official mileage scale (barème kilométrique) for one year.

    The amount for an annual distance d is ``d × rate + fixed amount`` of the band d
    falls in, plus the electric bonus for fully electric vehicles.
    """

    _name = "cae.mileage.scale"
    _description = "Mileage scale"
    _order = "year desc, vehicle_type, power_min, id"

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True)
    year = fields.Integer(required=True, index=True)
    vehicle_type = fields.Selection(VEHICLE_TYPES, required=True, index=True)
    power_min = fields.Integer(
        string="From (CV)", help="Smallest fiscal power this line applies to."
    )
    power_max = fields.Integer(
        string="To (CV)",
        help="Largest fiscal power this line applies to; 0 means no upper limit.",
    )
    electric_bonus = fields.Float(
        string="Electric bonus (%)",
        default=20.0,
        help="Added to the amount for fully electric vehicles.",
    )
    band_ids = fields.One2many(
        "cae.mileage.scale.band", "scale_id", string="Distance bands", copy=True
    )
    provisional = fields.Boolean(
        string="Provisional figures",
        help="The official scale of this year is not published yet (it comes in the "
        "spring of the following year): these figures are a copy of the previous "
        "year's. Trips priced by it are marked provisional and repriced when you "
        "untick this box with the official figures.",
    )

    _sql_constraints = [
        (
            "power_range",
            "CHECK(power_min >= 0 AND (power_max = 0 OR power_max >= power_min))",
            "The fiscal power range is not valid.",
        ),
    ]

    @api.depends("year", "vehicle_type", "power_min", "power_max")
    def _compute_name(self):
        types = dict(self._fields["vehicle_type"]._description_selection(self.env))
        for scale in self:
            if scale.power_max and scale.power_max == scale.power_min:
                power = self.env._("%(power)s CV", power=scale.power_min)
            elif scale.power_max:
                power = self.env._(
                    "%(min)s to %(max)s CV", min=scale.power_min, max=scale.power_max
                )
            elif scale.power_min:
                power = self.env._("%(min)s CV and more", min=scale.power_min)
            else:
                power = self.env._("any power")
            scale.name = f"{scale.year} · {types.get(scale.vehicle_type, '')} · {power}"

    @api.constrains("year", "vehicle_type", "power_min", "power_max", "active")
    def _check_overlap(self):
        scales = self.search(
            [
                ("year", "in", self.mapped("year")),
                ("vehicle_type", "in", self.mapped("vehicle_type")),
            ]
        )
        for scale in self.filtered("active"):
            for other in scales:
                if other == scale or (other.year, other.vehicle_type) != (
                    scale.year,
                    scale.vehicle_type,
                ):
                    continue
                high = scale.power_max or 10**6
                other_high = other.power_max or 10**6
                if scale.power_min <= other_high and other.power_min <= high:
                    raise ValidationError(
                        self.env._(
                            "“%(scale)s” overlaps “%(other)s”: each fiscal power must "
                            "fall in one line of the scale.",
                            scale=scale.name,
                            other=other.name,
                        )
                    )

    @api.model
    def _find(self, year, vehicle_type, power):
        """The scale line for a vehicle and a year, or a clear error if missing."""
        for scale in self.sudo().search(
            [("year", "=", year), ("vehicle_type", "=", vehicle_type)]
        ):
            if scale.power_min <= power and (
                not scale.power_max or power <= scale.power_max
            ):
                return scale
        types = dict(self._fields["vehicle_type"]._description_selection(self.env))
        raise UserError(
            self.env._(
                "There is no mileage scale for %(year)s for a %(type)s of "
                "%(power)s CV. Ask your support team to add it.",
                year=year,
                type=types.get(vehicle_type, vehicle_type or ""),
                power=power,
            )
        )

    @api.model
    def _find_for_trip(self, year, vehicle_type, power):
        """(scale, provisional) pricing a trip of ``year``.

        The year's own scale when it exists; otherwise the latest earlier one for the
        vehicle, and the trip is provisional until the year's scale is added. A scale
        flagged provisional (copied figures awaiting publication) prices provisionally
        too.
        """
        for scale in self.sudo().search(
            [("year", "<=", year), ("vehicle_type", "=", vehicle_type)],
            order="year desc, id",
        ):
            if scale.power_min <= power and (
                not scale.power_max or power <= scale.power_max
            ):
                return scale, scale.year != year or scale.provisional
        return self._find(year, vehicle_type, power), False  # raises the clear error

    @api.model_create_multi
    def create(self, vals_list):
        scales = super().create(vals_list)
        scales._reprice_provisional_trips()
        return scales

    def write(self, vals):
        result = super().write(vals)
        if REPRICING_FIELDS & set(vals):
            self._reprice_provisional_trips()
        return result

    def action_reprice_provisional_trips(self):
        """Button and cron: reprice provisional trips now covered by these scales."""
        if not self.env.su and not self.env.user.has_group(
            "gestions_radieuses.group_accountant"
        ):
            raise AccessError(
                self.env._("Only the support team can reprice provisional trips.")
            )
        scales = self or self.search([("provisional", "=", False)])
        return scales.sudo()._reprice_provisional_trips()

    def _reprice_provisional_trips(self):
        """Reprice the provisional trips of the years these scales now price.

        Trips of a year without its scale were priced by an earlier year's scale (see
        _find_for_trip). Once the year's official scale is here:
        - lines of reports still editable (draft, refused) get the new amount;
        - lines of submitted, approved or paid reports keep their amount (it was
          shown, decided, maybe paid); the difference goes into one explained
          adjustment line per activity, year and vehicle in the activity's next
          draft report. The year-end regularisation then counts it as paid, so
          nothing is paid twice.
        Either way the lines stop being provisional: running this again adds
        nothing.
        """
        scales = self.filtered(lambda s: s.active and not s.provisional and s.band_ids)
        if not scales:
            return 0
        years = sorted(set(scales.mapped("year")))
        Line = self.env["cae.expense.line"].sudo()
        lines = Line.search(
            [
                ("mileage_provisional", "=", True),
                ("is_regularisation", "=", False),
                ("date", ">=", date(years[0], 1, 1)),
                ("date", "<=", date(years[-1], 12, 31)),
            ],
            order="date, id",
        )
        found = {}
        editable = Line
        adjustments = defaultdict(lambda: Line)
        new_amount = {}
        # Each trip at the marginal rate of its place in its year, by the new scale.
        groups = Line._mileage_group_trips(
            {line._mileage_group_key() for line in lines}
        )
        km_before = Line._mileage_km_before(groups)
        repriced_groups = set()
        for line in lines:
            key = (line.date.year, line.vehicle_type, line.vehicle_fiscal_power)
            if key not in found:
                found[key] = self._find_for_trip(*key)
            scale, provisional = found[key]
            if provisional or scale.year not in years:
                continue
            repriced_groups.add(line._mileage_group_key())
            new_amount[line] = scale._marginal_amount(
                km_before[line.id],
                line.distance_km,
                line.vehicle_electric,
                line.currency_id,
            )
            if line.state in ("draft", "refused"):
                editable |= line
                line._write_scale_figures(
                    {
                        "mileage_scale_id": scale.id,
                        "mileage_provisional": False,
                        "amount_total": new_amount[line],
                    }
                )
            else:
                group = (line.activity_id, line._mileage_vehicle_key(), scale)
                adjustments[group] |= line
        for (_activity, _vehicle, scale), group_lines in adjustments.items():
            adjustment = group_lines._create_scale_adjustment(
                scale, {line: new_amount[line] for line in group_lines}
            )
            group_lines._write_scale_figures(
                {
                    "mileage_provisional": False,
                    "mileage_adjustment_line_id": adjustment.id,
                }
            )
        # Every trip of these years now at its place by the new scale: what
        # back-dated or removed trips moved before is part of the repricing.
        Shift = self.env["cae.mileage.shift"].sudo()
        for activity_id, year, *_vehicle in repriced_groups:
            Shift.search(
                [
                    ("activity_id", "=", activity_id),
                    ("year", "=", year),
                    ("settled", "=", False),
                ]
            ).filtered(lambda s: s._group_key() in repriced_groups).write(
                {"settled": True}
            )
        return len(editable) + sum(len(group) for group in adjustments.values())

    def _bonus_factor(self, electric):
        self.ensure_one()
        return 1 + (self.electric_bonus / 100.0 if electric else 0.0)

    def _first_band(self):
        self.ensure_one()
        bands = self.band_ids.sorted(lambda b: (not b.distance_max, b.distance_max))
        if not bands:
            raise UserError(
                self.env._(
                    "The mileage scale “%(scale)s” has no band.", scale=self.name
                )
            )
        return bands[0]

    def _band_for(self, distance):
        self.ensure_one()
        bands = self.band_ids.sorted(lambda b: (not b.distance_max, b.distance_max))
        for band in bands:
            if not band.distance_max or distance <= band.distance_max:
                return band
        raise UserError(
            self.env._(
                "The mileage scale “%(scale)s” has no band for %(distance)s km.",
                scale=self.name,
                distance=distance,
            )
        )

    def _trip_amount(self, distance, electric, currency):
        """Amount of a trip at the first band's rate (the marginal rate of a year's
        first kilometres: see _marginal_amount)."""
        rate = self._first_band().rate
        return currency.round(distance * rate * self._bonus_factor(electric))

    def _marginal_amount(self, km_before, distance, electric, currency):
        """Amount of a trip of ``distance`` km recorded after ``km_before`` km of
        its year: round(f(km_before + distance)) − round(f(km_before)), f the
        yearly amount. Trips in date order add up to f of the year to the cent."""
        with_trip = self._annual_amount(km_before + distance, electric, currency)[0]
        without = (
            self._annual_amount(km_before, electric, currency)[0] if km_before else 0.0
        )
        return currency.round(with_trip - without)

    def _annual_amount(self, distance, electric, currency):
        """Amount for a whole year's distance by the banded formula, and its band."""
        band = self._band_for(distance)
        amount = (distance * band.rate + band.fixed_amount) * self._bonus_factor(
            electric
        )
        return currency.round(float_round(amount, precision_digits=6)), band


class CaeMileageScaleBand(models.Model):
    _name = "cae.mileage.scale.band"
    _description = "Mileage scale distance band"
    _order = "scale_id, distance_max_order, id"

    scale_id = fields.Many2one(
        "cae.mileage.scale", required=True, ondelete="cascade", index=True
    )
    distance_max = fields.Integer(
        string="Up to (km)",
        help="Annual distance up to which this band applies; 0 means no limit.",
    )
    distance_max_order = fields.Integer(
        compute="_compute_distance_max_order", store=True
    )
    rate = fields.Float(string="Rate per km", digits=(6, 3), required=True)
    fixed_amount = fields.Float(digits=(10, 2))

    _sql_constraints = [
        (
            "positive",
            "CHECK(distance_max >= 0 AND rate >= 0 AND fixed_amount >= 0)",
            "Distances, rates and fixed amounts cannot be negative.",
        ),
    ]

    @api.depends("distance_max")
    def _compute_distance_max_order(self):
        for band in self:
            band.distance_max_order = band.distance_max or 10**9
