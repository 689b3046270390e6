"""A year without its published scale (issue 8): provisional trips, repricing,
regularisation whatever the state of December's report.

Every date here is explicit: the clock is frozen in 2027 (or January 2027), 2026 is
the latest scale and no 2027 scale exists unless a test adds it, whatever the real
date when the suite runs.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import CaeHttpMixin
from .expense_common import CaeExpenseCommon


class CaeMileageProvisionalCommon(CaeExpenseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Scale = cls.env["cae.mileage.scale"]
        # 2026 is the latest scale, official here; nothing for 2027 and later (the
        # shared fixture copies one for the current year when run after 2026).
        cls.Scale.search([("year", ">=", 2027)]).active = False
        cls.Scale.search([("year", "=", 2026)]).provisional = False

    def _trip(self, day, km=100, **vals):
        return self._line(
            category_id=self.cat_mileage.id,
            date=day,
            distance_km=km,
            trip_from="Lyon",
            trip_to="Vienne",
            **vals,
        )

    def _add_scale_2027(self, user=None, rate=0.700):
        """The 2027 scale of a 5 CV car, first band at ``rate`` instead of 0.636."""
        return (
            self.Scale.with_user(user or self.manager)
            .create(
                {
                    "year": 2027,
                    "vehicle_type": "car",
                    "power_min": 5,
                    "power_max": 5,
                    "band_ids": [
                        Command.create({"distance_max": 5000, "rate": rate}),
                        Command.create(
                            {
                                "distance_max": 20000,
                                "rate": 0.357,
                                "fixed_amount": 1395,
                            }
                        ),
                        Command.create({"distance_max": 0, "rate": 0.427}),
                    ],
                }
            )
            .sudo()
        )

    def _adjustments(self):
        return self.Line.search(
            [
                ("activity_id", "=", self.activity_a.id),
                ("is_regularisation", "=", True),
            ]
        )


@tagged("post_install", "-at_install")
class TestMileageProvisional(CaeMileageProvisionalCommon):
    @freeze_time("2027-03-15 10:00:00")
    def test_trip_without_its_year_scale_is_provisional(self):
        line = self._trip(date(2027, 3, 2))
        # Accepted, priced by the latest scale (2026, 5 CV: 0.636), provisional.
        self.assertAlmostEqual(line.amount_total, 63.60, 2)
        self.assertTrue(line.mileage_provisional)
        self.assertEqual(line.mileage_scale_year, 2026)
        self.assertIn("2026", line.mileage_price_note)
        self.assertIn("2027", line.mileage_price_note)
        # A trip of a year with its scale is not.
        line_2026 = self._trip(date(2026, 12, 10))
        self.assertFalse(line_2026.mileage_provisional)
        self.assertEqual(line_2026.mileage_scale_year, 2026)
        # Still no scale at all for a vehicle: the clear error as before.
        with self.assertRaises(UserError):
            self.Scale._find_for_trip(2019, "car", 5)

    @freeze_time("2027-03-15 10:00:00")
    def test_provisional_scale_of_the_year(self):
        """The shipped 2026 figures are a copy: a scale flagged provisional prices
        provisionally, and unticking the flag reprices."""
        scale_2026 = self.Scale._find(2026, "car", 5)
        scale_2026.provisional = True
        line = self._trip(date(2026, 12, 10))
        self.assertTrue(line.mileage_provisional)
        self.assertEqual(line.mileage_scale_year, 2026)
        self.assertIn("not official", line.mileage_price_note)
        scale_2026._first_band().rate = 0.650
        scale_2026.with_user(self.manager).provisional = False
        self.assertFalse(line.mileage_provisional)
        self.assertAlmostEqual(line.amount_total, 65.00, 2)

    def test_scale_published_more_than_a_year_later(self):
        """Real calendars move: a trip of January 2027 priced provisionally, the
        2027 scale published in February 2028, more than a year after the trip.
        Repricing it is the module's own write: the checks of a date being
        entered (at most a year old) do not stop it."""
        with freeze_time("2027-01-20 10:00:00"):
            trip = self._trip(date(2027, 1, 15))
            self.assertTrue(trip.mileage_provisional)
        with freeze_time("2028-02-20 10:00:00"):
            scale = self._add_scale_2027()
            self.assertFalse(trip.mileage_provisional)
            self.assertEqual(trip.mileage_scale_id, scale)
            self.assertAlmostEqual(trip.amount_total, 70.00, 2)
            # Entering such an old date by hand is still refused.
            with self.assertRaises(UserError):
                self._trip(date(2027, 1, 16))

    @freeze_time("2027-03-15 10:00:00")
    def test_scale_added_reprices_once(self):
        feb = self._trip(date(2027, 2, 10)) | self._trip(date(2027, 2, 12), km=50)
        feb_report = feb.report_id
        feb_report.with_user(self.entrepreneur_a).action_submit()
        march = self._trip(date(2027, 3, 2))
        self.assertTrue(all((feb | march).mapped("mileage_provisional")))
        self.assertAlmostEqual(feb_report.amount_total, 95.40, 2)

        scale = self._add_scale_2027()

        # Draft report: the amount itself is updated, no longer provisional.
        self.assertFalse(march.mileage_provisional)
        self.assertEqual(march.mileage_scale_id, scale)
        self.assertAlmostEqual(march.amount_total, 70.00, 2)
        # Submitted report: amounts as submitted, one explained line for the
        # difference in the next open report (March's draft).
        self.assertEqual(feb_report.state, "submitted")
        self.assertAlmostEqual(feb_report.amount_total, 95.40, 2)
        self.assertAlmostEqual(feb[0].amount_total, 63.60, 2)
        self.assertAlmostEqual(feb[1].amount_total, 31.80, 2)
        self.assertFalse(any(feb.mapped("mileage_provisional")))
        adjustment = self._adjustments()
        self.assertEqual(len(adjustment), 1)
        self.assertEqual(feb.mileage_adjustment_line_id, adjustment)
        self.assertEqual(adjustment.report_id, march.report_id)
        self.assertEqual(adjustment.date, date(2027, 2, 12))
        # 150 km: 105.00 by the 2027 scale, 95.40 paid by the 2026 one.
        self.assertAlmostEqual(adjustment.amount_total, 9.60, 2)
        self.assertEqual(adjustment.mileage_scale_id, scale)
        self.assertIn("2027", adjustment.name)
        for figure in ("95.40", "105.00", "+9.60", feb_report.name, "2026"):
            self.assertIn(figure, adjustment.regularisation_note)
        self.assertIn(march.report_id.name, feb[0].mileage_price_note)
        self.assertAlmostEqual(march.report_id.amount_total, 79.60, 2)

        # Nothing priced twice: the button, a second save, the cron.
        self.assertEqual(
            scale.with_user(self.accountant).action_reprice_provisional_trips(), 0
        )
        scale.with_user(self.manager).write({"active": True, "power_max": 5})
        self.Scale.sudo().action_reprice_provisional_trips()  # as the cron would
        self.assertEqual(self._adjustments(), adjustment)
        self.assertAlmostEqual(march.report_id.amount_total, 79.60, 2)

    @freeze_time("2027-05-20 10:00:00")
    def test_adjustment_goes_to_a_new_report(self):
        """No draft report after the trips': this month's report is created."""
        with freeze_time("2027-02-20 10:00:00"):
            feb = self._trip(date(2027, 2, 10))
            feb.report_id.with_user(self.entrepreneur_a).action_submit()
        self._add_scale_2027()
        adjustment = self._adjustments()
        self.assertEqual(len(adjustment), 1)
        self.assertEqual(adjustment.report_id.date, date(2027, 5, 1))
        self.assertEqual(adjustment.report_id.state, "draft")
        self.assertAlmostEqual(adjustment.amount_total, 6.40, 2)
        self.assertEqual(feb.report_id.state, "submitted")

    @freeze_time("2027-03-15 10:00:00")
    def test_scale_of_another_vehicle_reprices_nothing(self):
        line = self._trip(date(2027, 3, 2))
        self.Scale.with_user(self.manager).create(
            {
                "year": 2027,
                "vehicle_type": "moped",
                "band_ids": [Command.create({"distance_max": 0, "rate": 0.3})],
            }
        )
        self.assertTrue(line.mileage_provisional)
        self.assertAlmostEqual(line.amount_total, 63.60, 2)
        self.assertFalse(self._adjustments())

    def _regularise(self, year):
        wizard = Form(
            self.env["cae.mileage.regularisation.wizard"].with_user(self.accountant)
        )
        wizard.activity_id = self.activity_a
        wizard.year = year
        return wizard.save()

    @freeze_time("2027-01-10 10:00:00")
    def test_regularisation_after_december_submitted(self):
        with freeze_time("2026-12-20 10:00:00"):
            # December's trip first, the others back-dated before it.
            december = self._trip(date(2026, 12, 15), km=1000).report_id
            trips = self.Line.create(
                [
                    {
                        "activity_id": self.activity_a.id,
                        "category_id": self.cat_mileage.id,
                        "date": date(2026, 3 + i, 10),
                        "distance_km": 1000,
                        "trip_from": "Lyon",
                        "trip_to": f"Client {i}",
                    }
                    for i in range(7)  # March to September
                ]
            )
        december.with_user(self.entrepreneur_a).action_submit()
        # 7 000 km at their place in the year: 7000 × 0.357 + 1395.
        self.assertAlmostEqual(sum(trips.mapped("amount_total")), 3894.00, 2)
        wizard = self._regularise(2026)
        self.assertEqual(wizard.year, 2026)
        # 8 000 km: 8000 × 0.357 + 1395 = 4 251.00 due, 4 530.00 paid.
        self.assertAlmostEqual(wizard.amount, -279.00, 2)
        wizard.action_create_lines()
        line = self._adjustments()
        self.assertEqual(len(line), 1)
        self.assertAlmostEqual(line.amount_total, -279.00, 2)
        self.assertEqual(line.date, date(2026, 12, 31))
        self.assertEqual(line.report_id.date, date(2027, 1, 1))
        self.assertEqual(line.report_id.state, "draft")
        self.assertIn("December", line.regularisation_note)
        self.assertEqual(december.state, "submitted")
        self.assertAlmostEqual(december.amount_total, 636.00, 2)
        # Done once.
        wizard = self._regularise(2026)
        self.assertAlmostEqual(wizard.amount, 0.0, 2)
        with self.assertRaises(UserError):
            wizard.action_create_lines()

    @freeze_time("2027-03-15 10:00:00")
    def test_regularisation_of_a_provisional_year_refused(self):
        self._trip(date(2027, 3, 2))
        wizard = self._regularise(2027)
        self.assertIn("provisionally", wizard.computation)
        with self.assertRaises(UserError):
            wizard.action_create_lines()
        self.assertFalse(self._adjustments())
        # Once the scale is added, the year can be regularised.
        self._add_scale_2027()
        wizard = self._regularise(2027)
        self.assertNotIn("provisionally", wizard.computation)

    @freeze_time("2027-03-15 10:00:00")
    def test_staff_only(self):
        line = self._trip(date(2027, 3, 2))
        scale_2026 = self.Scale._find(2026, "car", 5)
        for user in (self.entrepreneur_a, self.advisor, self.internal):
            with self.assertRaises(AccessError):
                scale_2026.with_user(user).action_reprice_provisional_trips()
        for user in (self.entrepreneur_a, self.accountant, self.manager):
            for vals in (
                {"mileage_provisional": False},
                {"mileage_adjustment_line_id": line.id},
            ):
                with self.assertRaises(AccessError):
                    line.with_user(user).write(vals)
        with self.assertRaises(AccessError):
            self._line(user=self.accountant, mileage_provisional=True)
        self.assertTrue(line.mileage_provisional)
        self.assertFalse(line.mileage_adjustment_line_id)


@tagged("post_install", "-at_install")
class TestMileageProvisionalRpc(CaeMileageProvisionalCommon, CaeHttpMixin, HttpCase):
    """Over the real JSON-RPC route, an entrepreneur can neither clear the mark nor
    trigger the repricing."""

    def test_entrepreneur_rpc(self):
        line = self._trip(self.today)
        line.sudo().write({"mileage_provisional": True})
        amount = line.amount_total
        scale = self.Scale.search([("year", "=", 2026)], limit=1)
        self._login(self.entrepreneur_a)
        for context in ({}, {"cae_mileage_update": True}):
            for vals in (
                {"mileage_provisional": False},
                {"mileage_adjustment_line_id": line.id},
            ):
                with self.assertRaises(JsonRpcException):
                    self.rpc("cae.expense.line", "write", [[line.id], vals], context)
            for args in ([[scale.id]], [[]]):
                with self.assertRaises(JsonRpcException):
                    self.rpc(
                        "cae.mileage.scale",
                        "action_reprice_provisional_trips",
                        args,
                        context,
                    )
        line.invalidate_recordset()
        self.assertTrue(line.mileage_provisional)
        self.assertFalse(line.mileage_adjustment_line_id)
        self.assertEqual(line.amount_total, amount)
