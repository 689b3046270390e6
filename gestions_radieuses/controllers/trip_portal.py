import uuid

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..tools.form_errors import typed_id
from .expense_portal import CaeExpensePortal


class CaeTripPortal(CaeExpensePortal):
    """The trip form's helpers (issue 9): the amount while the kilometres are
    typed, and the entrepreneur's usual trips above the form. Both call one
    model method that checks the caller runs the activity."""

    def _cae_line_form_values(self, mileage, form=None, errors=None, line=None):
        values = super()._cae_line_form_values(
            mileage, form=form, errors=errors, line=line
        )
        values["usual_trips"] = []
        activities = values["activities"]
        chosen = str((form or {}).get("activity_id") or "")
        activity = activities.filtered(lambda a: str(a.id) == chosen) or (
            activities if len(activities) == 1 else activities.browse()
        )
        if mileage and activity.has_vehicle:
            trips, _error = self._cae_run(
                lambda: request.env["cae.expense.line"].portal_usual_trips(activity.id)
            )
            values["usual_trips"] = [
                # Each its own one-time token: a tap sent twice adds one trip.
                {**trip, "submission_token": uuid.uuid4().hex}
                for trip in (trips or [])
            ]
            values["usual_trips_activity"] = activity
            values["usual_trips_vehicle"] = request.env[
                "cae.expense.line"
            ]._mileage_vehicle_label(
                *request.env["cae.expense.line"]._trip_vehicle(activity)
            )
        return values

    @http.route(
        "/my/expenses/trip_quote", type="json", auth="user", website=True, readonly=True
    )
    def portal_my_expense_trip_quote(
        self, activity_id=None, distance_km=None, date=None
    ):
        """{"amount_label", "sentence"} of a trip not saved yet, or {"error"}."""
        try:
            quote = request.env["cae.expense.line"].portal_trip_quote(
                typed_id(activity_id), distance_km, date=date or None
            )
        except MissingError as error:
            raise NotFound() from error
        except (AccessError, UserError) as error:
            return {"error": str(error.args[0])}
        return {
            "amount": quote["amount"],
            "amount_label": quote["amount_label"],
            "sentence": quote["sentence"],
        }
