"""Trips priced at the marginal rate of the year (issue 9).

The scale gives a yearly amount f(K) for the K kilometres of a year (banded:
``K × rate + fixed``). A trip of d km recorded after K km of its year, for the same
activity and vehicle, is paid ``round(f(K + d)) − round(f(K))``, where "after" means
the trips ordered by (date, id). Trips entered in date order then add up to f of the
year's kilometres to the cent, and the year-end regularisation is 0.00.

A trip added before others of its year (back-dated), changed or removed shifts the
marginal rate of the trips after it. Their amounts, shown and maybe paid, never
change silently: what the event moved is recorded as a ``cae.mileage.shift`` (one
sentence, one amount) and settled by the year-end regularisation, which says it in
plain words. Invariant, per activity, year and vehicle: f(K) − what was paid for the
trips = the sum of the shifts not yet settled.
"""

from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.tools import float_round
from odoo.tools.misc import format_amount, format_date, formatLang

from .cae_mileage_scale import VEHICLE_TYPES

SHIFT_KINDS = [
    ("added", "Added afterwards"),
    ("changed", "Changed afterwards"),
    ("removed", "Removed"),
]


def _km(value):
    """Kilometres as recorded (one decimal), free of float noise in sums."""
    return float_round(value or 0.0, precision_digits=1)


def format_km(env, km):
    """Kilometres in the reader's language: "4 980", "87,5"."""
    km = _km(km)
    return formatLang(env, km, digits=0 if km == int(km) else 1)


class CaeMileageShift(models.Model):
    """What a back-dated, changed or removed trip moved in its year's mileage.

    Written by the pricing engine only (as superuser); read by the support team and
    settled by the year-end regularisation (or absorbed when provisional trips are
    repriced by the year's published scale).
    """

    _name = "cae.mileage.shift"
    _description = "Mileage moved by a back-dated, changed or removed trip"
    _order = "trip_date, id"

    activity_id = fields.Many2one(
        "cae.activity", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="activity_id.company_id", store=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(required=True, readonly=True)
    vehicle_type = fields.Selection(VEHICLE_TYPES, string="Vehicle", readonly=True)
    vehicle_fiscal_power = fields.Integer(string="Fiscal power (CV)", readonly=True)
    vehicle_electric = fields.Boolean(string="Fully electric", readonly=True)
    kind = fields.Selection(
        SHIFT_KINDS, string="What happened", required=True, readonly=True
    )
    trip_id = fields.Many2one("cae.expense.line", ondelete="set null", readonly=True)
    trip_date = fields.Date(string="Date", required=True, readonly=True)
    trip_from = fields.Char(string="From", readonly=True)
    trip_to = fields.Char(string="To", readonly=True)
    distance_km = fields.Float(string="Kilometres", digits=(10, 1), readonly=True)
    amount = fields.Monetary(
        string="Moved",
        currency_field="currency_id",
        readonly=True,
        help="What the other trips of the year are due in addition (negative: less) "
        "because of this change; settled by the year-end regularisation.",
    )
    settled = fields.Boolean(string="Regularised", readonly=True, index=True)
    settled_line_id = fields.Many2one(
        "cae.expense.line",
        string="Settled by",
        ondelete="set null",
        readonly=True,
    )

    def _group_key(self):
        self.ensure_one()
        return (
            self.activity_id.id,
            self.year,
            self.vehicle_type,
            self.vehicle_fiscal_power,
            bool(self.vehicle_electric),
        )

    def _sentence(self):
        """The shift in plain words, in the reader's language: "Trip of 3 March
        (Lyon → Vienne, 120 km) added afterwards: +12.40 €"."""
        self.ensure_one()
        env = self.env
        sign = "+" if self.amount > 0 else ""
        values = {
            "date": format_date(env, self.trip_date, date_format="d MMMM"),
            "route": f"{self.trip_from or '?'} → {self.trip_to or '?'}",
            "km": format_km(env, self.distance_km),
            "amount": sign + format_amount(env, self.amount, self.currency_id),
        }
        if self.kind == "added":
            return env._(
                "Trip of %(date)s (%(route)s, %(km)s km) added afterwards: %(amount)s",
                **values,
            )
        if self.kind == "changed":
            return env._(
                "Trip of %(date)s (%(route)s, %(km)s km) changed afterwards: "
                "%(amount)s",
                **values,
            )
        return env._(
            "Trip of %(date)s (%(route)s, %(km)s km) removed: %(amount)s", **values
        )


class CaeExpenseLine(models.Model):
    _inherit = "cae.expense.line"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Groups: the trips of one activity, year and vehicle
    # ------------------------------------------------------------------
    def _mileage_group_key(self):
        self.ensure_one()
        return (
            self.activity_id.id,
            self.date.year,
            self.vehicle_type,
            self.vehicle_fiscal_power,
            bool(self.vehicle_electric),
        )

    @api.model
    def _mileage_group_trips(self, keys):
        """{group key: trips of the group ordered by (date, id)} (one query)."""
        keys = set(keys)
        if not keys:
            return {}
        years = {key[1] for key in keys}
        self.env["cae.expense.line"].flush_model()
        trips = self.sudo().search_fetch(
            [
                ("activity_id", "in", list({key[0] for key in keys})),
                ("is_mileage", "=", True),
                ("is_regularisation", "=", False),
                ("date", ">=", date(min(years), 1, 1)),
                ("date", "<=", date(max(years), 12, 31)),
            ],
            [
                "activity_id",
                "date",
                "distance_km",
                "vehicle_type",
                "vehicle_fiscal_power",
                "vehicle_electric",
                "amount_total",
            ],
            order="date, id",
        )
        groups = {key: [] for key in keys}
        for trip in trips:
            key = trip._mileage_group_key()
            if key in groups:
                groups[key].append(trip)
        return groups

    @api.model
    def _mileage_km_before(self, groups):
        """{line id: kilometres of its group recorded before it, (date, id) order}."""
        before = {}
        for trips in groups.values():
            total = 0.0
            for trip in trips:
                before[trip.id] = _km(total)
                total += trip.distance_km
        return before

    def _mileage_priced_state(self):
        """{line id: (group key, km, amount, scale)} of the priced trips of self, as
        they are before a change."""
        return {
            line.id: (
                line._mileage_group_key(),
                _km(line.distance_km),
                line.amount_total,
                line.sudo().mileage_scale_id,
            )
            for line in self.sudo()
            if line.is_mileage and not line.is_regularisation and line.mileage_scale_id
        }

    # ------------------------------------------------------------------
    # Pricing
    # ------------------------------------------------------------------
    def _mileage_price(self, before):
        """Price the trips of self (vehicle and scale already written) at their
        marginal rate, and record what their being added, changed or removed moved
        for the other trips of the year.

        ``before``: _mileage_priced_state() of the lines as they were before this
        change (empty for new lines). Lines of ``before`` no longer trips (their
        category changed) count as removed.
        """
        trips = self.sudo().filtered(
            lambda line: line.is_mileage and not line.is_regularisation
        )
        old_keys = {state[0] for state in before.values()}
        groups = self._mileage_group_trips(
            {trip._mileage_group_key() for trip in trips} | old_keys
        )
        km_before = self._mileage_km_before(groups)
        # The kilometres each group had when it was last priced: the other trips
        # as they are, the lines of self as they were (or absent if new).
        changing = set(trips.ids) | set(before)
        totals = defaultdict(float)
        for key, group in groups.items():
            totals[key] = sum(t.distance_km for t in group if t.id not in changing)
        for key, km, _amount, _scale in before.values():
            totals[key] += km
        shifts = []
        for line_id, (key, km, amount, scale) in before.items():
            if line_id not in trips.ids:
                shifts.append(
                    self.browse(line_id)._mileage_removal_shift(
                        key, km, amount, scale, totals
                    )
                )
        for trip in trips.sorted(lambda line: (line.date, line.id)):
            currency = trip.currency_id
            scale = trip.mileage_scale_id
            electric = trip.vehicle_electric
            km = _km(trip.distance_km)
            amount = scale._marginal_amount(km_before[trip.id], km, electric, currency)
            moved = {}
            if trip.id in before:
                old_key, old_km, old_amount, old_scale = before[trip.id]
                moved[old_key] = trip._mileage_removal_moved(
                    old_key, old_km, old_amount, old_scale, totals
                )
            key = trip._mileage_group_key()
            with_trip = scale._marginal_amount(totals[key], km, electric, currency)
            totals[key] = _km(totals[key] + km)
            moved[key] = currency.round(moved.get(key, 0.0) + with_trip - amount)
            kind = "changed" if trip.id in before else "added"
            shifts += [
                trip._mileage_shift_values(group, kind, value)
                for group, value in moved.items()
            ]
            trip._write_scale_figures(
                {"vat_rate": "0", "amount_vat": 0.0, "amount_total": amount}
            )
        self._mileage_record_shifts(shifts)

    def _mileage_removal_moved(self, key, km, amount, scale, totals):
        """What taking ``km`` km paid ``amount`` out of group ``key`` moves for the
        others; updates ``totals``."""
        currency = self.currency_id
        total = totals[key]
        totals[key] = _km(total - km)
        without = scale._marginal_amount(totals[key], km, key[4], currency)
        return currency.round(amount - without)

    def _mileage_removal_shift(self, key, km, amount, scale, totals):
        moved = self._mileage_removal_moved(key, km, amount, scale, totals)
        return self._mileage_shift_values(key, "removed", moved)

    def _mileage_shift_values(self, key, kind, amount):
        self.ensure_one()
        if self.currency_id.is_zero(amount):
            return None
        activity_id, year, vehicle_type, power, electric = key
        return {
            "activity_id": activity_id,
            "year": year,
            "vehicle_type": vehicle_type,
            "vehicle_fiscal_power": power,
            "vehicle_electric": electric,
            "kind": kind,
            "trip_id": self.id if kind != "removed" else False,
            "trip_date": self.date,
            "trip_from": self.trip_from,
            "trip_to": self.trip_to,
            "distance_km": self.distance_km,
            "amount": amount,
        }

    @api.model
    def _mileage_record_shifts(self, vals_list):
        vals_list = [vals for vals in vals_list if vals]
        if vals_list:
            self.env["cae.mileage.shift"].sudo().create(vals_list)

    def unlink(self):
        removed = self._mileage_priced_state()
        shifts = []
        if removed:
            groups = self._mileage_group_trips({state[0] for state in removed.values()})
            totals = {
                key: sum(trip.distance_km for trip in group)
                for key, group in groups.items()
            }
            for line in self.sudo().filtered(lambda line: line.id in removed):
                shifts.append(line._mileage_removal_shift(*removed[line.id], totals))
        result = super().unlink()
        self._mileage_record_shifts(shifts)
        return result

    @api.model
    def _mileage_unsettled_shifts(self, activity, year):
        return (
            self.env["cae.mileage.shift"]
            .sudo()
            .search(
                [
                    ("activity_id", "=", activity.id),
                    ("year", "=", year),
                    ("settled", "=", False),
                ]
            )
        )
