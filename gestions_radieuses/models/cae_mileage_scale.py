from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

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
        """Amount of one trip at the first band's rate (regularised at year end)."""
        rate = self._first_band().rate
        return currency.round(distance * rate * self._bonus_factor(electric))

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
