"""What the trip form shows an entrepreneur: the amount as the kilometres are typed,
and their usual trips to add in one tap (issue 9). Both only read; both check that
the caller runs the activity."""

import re

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_amount, formatLang

from .cae_expense_line import MAX_TRIP_KM
from .cae_mileage_marginal import _km, format_km

# Usual trips offered above the trip form, at most.
USUAL_TRIPS_MAX = 5
# Kilometres as typed on a phone: "42", "42,5", "42.5".
QUOTE_KM_RE = re.compile(r"^\s*\d{1,5}([.,]\d{1,3})?\s*$")


class CaeExpenseLine(models.Model):
    _inherit = "cae.expense.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _trip_vehicle(self, activity):
        activity = activity.sudo()
        if not activity.vehicle_type:
            raise ValidationError(
                self.env._(
                    "No vehicle is recorded for this activity: ask your advisor to "
                    "add it before entering a trip."
                )
            )
        return (
            activity.vehicle_type,
            activity.vehicle_fiscal_power,
            bool(activity.vehicle_electric),
        )

    @api.model
    def _trip_quote_km(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            value = None
        elif isinstance(value, str):
            value = (
                float(value.strip().replace(",", "."))
                if QUOTE_KM_RE.match(value)
                else None
            )
        if value is None or not 0 < value <= MAX_TRIP_KM:
            raise ValidationError(
                self.env._(
                    "Enter the kilometres of the trip: more than 0 and at most "
                    "%(max)s km.",
                    max=MAX_TRIP_KM,
                )
            )
        return _km(value)

    @api.model
    def _format_rate(self, rate, currency):
        """A rate per km with three decimals, as the scale prints it: "0,636 €"."""
        number = formatLang(self.env, rate, digits=3)
        if currency.position == "before":
            return f"{currency.symbol}\N{NO-BREAK SPACE}{number}"
        return f"{number}\N{NO-BREAK SPACE}{currency.symbol}"

    @api.model
    def portal_trip_quote(self, activity_id, distance_km, date=None):
        """What a trip of ``distance_km`` km on ``date`` (today by default) would
        be paid, before saving it: {"amount", "amount_label", "km_before",
        "sentence"}. Only reads; the caller must run the activity."""
        activity = self._portal_browse("cae.activity", activity_id)
        self._portal_check_member(activity)
        km = self._trip_quote_km(distance_km)
        today = activity.sudo().company_id._cae_today()
        day = self._portal_date(date) if date else today
        if day > today or day < today - relativedelta(years=1):
            raise ValidationError(
                self.env._("Enter a day between a year ago and today.")
            )
        vehicle_type, power, electric = self._trip_vehicle(activity)
        scale, provisional = self.env["cae.mileage.scale"]._find_for_trip(
            day.year, vehicle_type, power
        )
        key = (activity.id, day.year, vehicle_type, power, electric)
        trips = self._mileage_group_trips({key})[key]
        # A new trip comes after every trip of its day: (date, id) order.
        km_before = _km(sum(t.distance_km for t in trips if t.date <= day))
        currency = activity.sudo().company_id.currency_id
        amount = scale._marginal_amount(km_before, km, electric, currency)
        sentence = self.env._(
            "By the %(year)s scale, %(vehicle)s: %(rate)s/km for these km; you are "
            "at %(km)s km in %(year)s.",
            year=scale.year,
            vehicle=self._mileage_vehicle_label(vehicle_type, power, electric),
            rate=self._format_rate(amount / km, currency),
            km=format_km(self.env, km_before),
        )
        if provisional:
            sentence += " " + self.env._(
                "Provisional: repriced when the %(year)s scale is published.",
                year=day.year,
            )
        return {
            "amount": amount,
            "amount_label": format_amount(self.env, amount, currency),
            "km_before": km_before,
            "sentence": sentence,
        }

    @api.model
    def portal_usual_trips(self, activity_id):
        """The caller's most frequent trips of the last year for the activity (at
        most USUAL_TRIPS_MAX), most frequent first: [{"trip_from", "trip_to",
        "distance_km", "km_label", "name", "category_id", "count"}]. Only reads;
        a fixed number of queries whatever the number of trips."""
        activity = self._portal_browse("cae.activity", activity_id)
        self._portal_check_member(activity)
        activity = activity.sudo()
        today = activity.company_id._cae_today()
        member = activity._cae_member_domain(self.env.user.partner_id, "activity_id.")
        groups = self.sudo()._read_group(
            [
                ("activity_id", "=", activity.id),
                *member,
                ("is_mileage", "=", True),
                ("is_regularisation", "=", False),
                ("trip_from", "!=", False),
                ("trip_to", "!=", False),
                ("date", ">=", today - relativedelta(years=1)),
            ],
            groupby=["trip_from", "trip_to", "distance_km"],
            aggregates=["__count", "id:max"],
            order="__count desc, id:max desc",
            limit=USUAL_TRIPS_MAX,
        )
        latest = self.sudo().browse([last_id for *_key, _count, last_id in groups])
        latest.fetch(["name", "category_id"])
        return [
            {
                "trip_from": trip_from,
                "trip_to": trip_to,
                "distance_km": distance,
                "km_label": format_km(self.env, distance),
                "name": line.name or "",
                "category_id": line.category_id.id,
                "count": count,
            }
            for (trip_from, trip_to, distance, count, _last), line in zip(
                groups, latest, strict=True
            )
        ]
