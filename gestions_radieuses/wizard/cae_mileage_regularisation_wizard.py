from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

from ..tools.formats import month_of


class CaeMileageRegularisationWizard(models.TransientModel):
    """Year-end mileage regularisation of one activity.

    Trips are paid at the marginal rate of their place in the year (see
    models/cae_mileage_marginal.py): entered in date order, they add up to the
    banded formula on the year's distance and there is nothing to regularise. A
    back-dated, changed or removed trip moves the others' rates: the regularisation
    says what each of them moved. The difference, positive or negative,
    goes as one line per vehicle into the activity's December report, or, once
    December's report is submitted, into the activity's next draft report (created
    when needed, e.g. January's), dated 31 December of the year so that it counts in
    that year.

    A year whose trips are still priced provisionally (its official scale is not
    published yet) is refused: its figures would change with the scale. Adding the
    scale reprices the trips first (cae.mileage.scale._reprice_provisional_trips),
    whose adjustment lines count here as paid.
    """

    _name = "cae.mileage.regularisation.wizard"
    _description = "Year-end mileage regularisation"

    activity_id = fields.Many2one("cae.activity", required=True)
    year = fields.Integer(required=True, default=lambda self: self._default_year())
    computation = fields.Text(compute="_compute_proposal")
    amount = fields.Float(
        string="Regularisation", compute="_compute_proposal", digits=(12, 2)
    )

    @api.model
    def _default_year(self):
        today = self.env.company._cae_today()
        return today.year - (today.month < 12)

    def _check_not_provisional(self, lines):
        provisional = lines.filtered("mileage_provisional")
        if provisional:
            raise UserError(
                self.env._(
                    "%(count)s trip(s) of %(year)s are still priced provisionally, "
                    "by the %(scale_years)s scale: the official %(year)s scale is not "
                    "published yet. Regularise %(year)s once the manager has added it "
                    "(the trips are then repriced automatically).",
                    count=len(provisional),
                    year=self.year,
                    scale_years=", ".join(
                        str(y)
                        for y in sorted(set(provisional.mapped("mileage_scale_year")))
                    ),
                )
            )

    def _proposal(self):
        """[(line values, explanation)] per vehicle used in the year."""
        self.ensure_one()
        activity = self.activity_id
        currency = activity.company_id.currency_id
        lines = (
            self.env["cae.expense.line"]
            .sudo()
            .search(
                [
                    ("activity_id", "=", activity.id),
                    ("is_mileage", "=", True),
                    ("date", ">=", date(self.year, 1, 1)),
                    ("date", "<=", date(self.year, 12, 31)),
                ]
            )
        )
        self._check_not_provisional(lines)
        shifts = defaultdict(lambda: self.env["cae.mileage.shift"])
        for shift in lines._mileage_unsettled_shifts(activity, self.year):
            shifts[shift._group_key()] |= shift
        groups = defaultdict(lambda: {"km": 0.0, "paid": 0.0})
        for line in lines:
            key = (line.vehicle_type, line.vehicle_fiscal_power, line.vehicle_electric)
            groups[key]["paid"] += line.amount_total
            if not line.is_regularisation:
                groups[key]["km"] += line.distance_km
        types = dict(
            self.env["cae.mileage.scale"]
            ._fields["vehicle_type"]
            ._description_selection(self.env)
        )
        category = self.env["cae.expense.category"].search(
            [
                ("is_mileage", "=", True),
                ("company_id", "in", (False, activity.company_id.id)),
            ],
            limit=1,
        )
        proposal = []
        for (vtype, power, electric), totals in sorted(
            groups.items(), key=lambda item: (item[0][0] or "", item[0][1])
        ):
            if not totals["km"]:
                continue
            scale = self.env["cae.mileage.scale"]._find(self.year, vtype, power)
            due, band = scale._annual_amount(totals["km"], electric, currency)
            paid = currency.round(totals["paid"])
            difference = currency.round(due - paid)
            vehicle = self.env._(
                "%(type)s %(power)s CV%(electric)s",
                type=types.get(vtype, ""),
                power=power,
                electric=self.env._(", electric") if electric else "",
            )
            bonus = ""
            if electric:
                bonus_pct = f"{scale.electric_bonus:g}"
                bonus = self.env._(", +%(bonus)s %% electric", bonus=bonus_pct)
            figures = {
                "km": f"{totals['km']:g}",
                "rate": f"{band.rate:g}",
                "fixed": f"{band.fixed_amount:g}",
                "due": f"{due:.2f}",
                "paid": f"{paid:.2f}",
                "difference": f"{difference:+.2f}",
            }
            note = self.env._(
                "%(vehicle)s, %(km)s km in %(year)s: %(km)s × %(rate)s + %(fixed)s"
                "%(bonus)s = %(due)s due by the scale; %(paid)s already paid per "
                "trip; regularisation %(difference)s.",
                vehicle=vehicle,
                year=self.year,
                bonus=bonus,
                **figures,
            )
            if not currency.is_zero(difference):
                note += self._explain_shifts(
                    shifts.get((activity.id, self.year, vtype, power, electric)),
                    difference,
                    currency,
                )
            vals = None
            if not currency.is_zero(difference):
                vals = {
                    "activity_id": activity.id,
                    "date": date(self.year, 12, 31),
                    "category_id": category.id,
                    "name": self.env._(
                        "Mileage regularisation %(year)s (%(vehicle)s)",
                        year=self.year,
                        vehicle=vehicle,
                    ),
                    "amount_total": difference,
                    "vat_rate": "0",
                    "is_regularisation": True,
                    "vehicle_type": vtype,
                    "vehicle_fiscal_power": power,
                    "vehicle_electric": electric,
                    "mileage_scale_id": scale.id,
                    "regularisation_note": note,
                }
            proposal.append((vals, note))
        return proposal

    def _explain_shifts(self, shifts, difference, currency):
        """What back-dated, changed or removed trips moved, one sentence each
        (trips entered in date order add up to the scale: nothing else moves)."""
        if not shifts:
            return ""
        sentences = [shift._sentence() for shift in shifts.sorted("trip_date")]
        rest = currency.round(difference - sum(shifts.mapped("amount")))
        if not currency.is_zero(rest):
            sign = "+" if rest > 0 else ""
            sentences.append(
                self.env._(
                    "Other differences (the scale changed after the trips were "
                    "priced): %(amount)s",
                    amount=sign + format_amount(self.env, rest, currency),
                )
            )
        return (
            "\n"
            + self.env._("What moved since the trips were paid:")
            + "\n"
            + ("\n".join(f"• {sentence}" for sentence in sentences))
        )

    @api.depends("activity_id", "year")
    def _compute_proposal(self):
        for wizard in self:
            if not wizard.activity_id or not wizard.year:
                wizard.computation = False
                wizard.amount = 0.0
                continue
            try:
                proposal = wizard._proposal()
            except UserError as error:
                # Shown in the wizard; the button raises it again.
                wizard.computation = error.args[0]
                wizard.amount = 0.0
                continue
            wizard.computation = "\n".join(
                note for _vals, note in proposal
            ) or self.env._("No mileage recorded in %(year)s.", year=wizard.year)
            wizard.amount = sum(
                vals["amount_total"] for vals, _note in proposal if vals
            )

    def action_create_lines(self):
        self.ensure_one()
        self.env["cae.expense.report"]._check_accountant()
        vals_list = [vals for vals, _note in self._proposal() if vals]
        if not vals_list:
            raise UserError(
                self.env._(
                    "Nothing to regularise: what was paid per trip matches the scale."
                )
            )
        if not vals_list[0]["category_id"]:
            raise UserError(self.env._("Create a mileage expense category first."))
        report = self.env["cae.expense.line"]._mileage_next_open_report(
            self.activity_id, date(self.year, 12, 1)
        )
        if report.date != date(self.year, 12, 1):
            moved = self.env._(
                "December's report was already submitted: this regularisation is in "
                "the report of %(month)s.",
                month=month_of(self.env, report.date),
            )
            for vals in vals_list:
                vals["regularisation_note"] += "\n" + moved
        for vals in vals_list:
            vals["report_id"] = report.id
        # Staff checked above; where a line belongs is written by code only.
        lines = self.env["cae.expense.line"].sudo().create(vals_list)
        by_vehicle = {
            (line.vehicle_type, line.vehicle_fiscal_power, line.vehicle_electric): line
            for line in lines
        }
        # What back-dated, changed or removed trips moved is settled now.
        for shift in lines._mileage_unsettled_shifts(self.activity_id, self.year):
            line = by_vehicle.get(shift._group_key()[2:])
            shift.write(
                {"settled": True, "settled_line_id": line.id if line else False}
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cae.expense.report",
            "res_id": lines.report_id[:1].id,
            "view_mode": "form",
        }
