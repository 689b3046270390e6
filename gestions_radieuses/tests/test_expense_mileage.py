from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .expense_common import CaeExpenseCommon


@tagged("post_install", "-at_install")
class TestExpenseMileage(CaeExpenseCommon):
    """The French mileage scale of BRIEF.md: bands, power ranges, electric bonus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Scale = cls.env["cae.mileage.scale"]
        cls.eur = cls.env.ref("base.EUR")

    def _annual(self, year, vehicle_type, power, km, electric=False):
        scale = self.Scale._find(year, vehicle_type, power)
        return scale._annual_amount(km, electric, self.eur)[0]

    def test_shipped_years(self):
        for year in (2024, 2025, 2026):
            for vtype, count in (("car", 5), ("motorcycle", 3), ("moped", 1)):
                scales = self.Scale.search(
                    [("year", "=", year), ("vehicle_type", "=", vtype)]
                )
                self.assertEqual(len(scales), count, (year, vtype))
                self.assertTrue(all(len(s.band_ids) == 3 for s in scales))

    def test_shipped_2026_is_a_provisional_copy(self):
        """The official 2026 scale comes in spring 2027: the shipped one is 2025's
        figures, flagged provisional so that its trips are repriced later."""
        for scale in self.env.ref("gestions_radieuses.mileage_scale_2026_car_0_3") | (
            self.env.ref("gestions_radieuses.mileage_scale_2026_moped_0_up")
        ):
            self.assertTrue(scale.provisional)
            same_2025 = self.Scale._find(2025, scale.vehicle_type, scale.power_min)
            self.assertFalse(same_2025.provisional)
            self.assertEqual(
                scale.band_ids.mapped("rate"), same_2025.band_ids.mapped("rate")
            )

    @freeze_time("2027-02-15 12:00:00")
    def test_trip_of_a_year_without_scale_accepted(self):
        """From 1 January 2027, trips are no longer refused (issue 8)."""
        self.Scale.search([("year", ">=", 2027)]).active = False
        line = self._line(
            category_id=self.cat_mileage.id,
            date=date(2027, 1, 4),
            distance_km=100,
            trip_from="Lyon",
            trip_to="Vienne",
        )
        self.assertEqual(line.mileage_scale_id.year, 2026)
        self.assertTrue(line.mileage_provisional)
        self.assertAlmostEqual(line.amount_total, 63.60, 2)

    def test_car_band_edges(self):
        # 5 CV: d×0.636 | d×0.357+1395 | d×0.427
        cases = [
            (5000, 3180.00),
            (5001, 3180.36),
            (20000, 8535.00),
            (20001, 8540.43),
        ]
        for km, expected in cases:
            self.assertAlmostEqual(self._annual(2025, "car", 5, km), expected, 2, km)

    def test_two_wheeler_band_edges(self):
        cases = [
            ("motorcycle", 4, 3000, 1404.00),  # 3–5 CV: d×0.468
            ("motorcycle", 4, 3001, 1404.08),  # d×0.082+1158
            ("motorcycle", 4, 6000, 1650.00),
            ("motorcycle", 4, 6001, 1650.28),  # d×0.275
            ("moped", 0, 3000, 945.00),  # d×0.315
            ("moped", 0, 6000, 1185.00),  # d×0.079+711
            ("moped", 0, 6001, 1188.20),  # d×0.198
        ]
        for vtype, power, km, expected in cases:
            self.assertAlmostEqual(
                self._annual(2024, vtype, power, km), expected, 2, (vtype, km)
            )

    def test_every_power_range(self):
        # First band rate for each fiscal power, cars then motorcycles.
        cases = [
            ("car", 1, 0.529),
            ("car", 3, 0.529),
            ("car", 4, 0.606),
            ("car", 5, 0.636),
            ("car", 6, 0.665),
            ("car", 7, 0.697),
            ("car", 11, 0.697),
            ("motorcycle", 1, 0.395),
            ("motorcycle", 2, 0.395),
            ("motorcycle", 3, 0.468),
            ("motorcycle", 5, 0.468),
            ("motorcycle", 6, 0.606),
            ("motorcycle", 9, 0.606),
            ("moped", 1, 0.315),
        ]
        for vtype, power, rate in cases:
            scale = self.Scale._find(2026, vtype, power)
            self.assertAlmostEqual(scale._first_band().rate, rate, 3, (vtype, power))
        # Second band of the 7 CV and more: d×0.394+1515.
        self.assertAlmostEqual(self._annual(2026, "car", 9, 10000), 5455.00, 2)
        with self.assertRaises(UserError):
            self.Scale._find(2019, "car", 5)

    def test_electric_bonus(self):
        self.assertAlmostEqual(
            self._annual(2025, "car", 5, 10000, electric=True), 5958.00, 2
        )  # (10000×0.357+1395)×1.2
        scale = self.Scale._find(2025, "car", 5)
        self.assertAlmostEqual(scale._trip_amount(100, True, self.eur), 76.32, 2)
        self.assertAlmostEqual(scale._trip_amount(100, False, self.eur), 63.60, 2)

    @freeze_time("2026-03-15")
    def test_trip_line_uses_scale_of_its_year(self):
        self.Scale._find(2025, "car", 5)._first_band().rate = 0.700
        line_2025 = self._line(
            category_id=self.cat_mileage.id,
            date=date(2025, 12, 20),
            distance_km=100,
            trip_from="Lyon",
            trip_to="Vienne",
        )
        line_2026 = self._line(
            category_id=self.cat_mileage.id,
            date=date(2026, 3, 2),
            distance_km=100,
            trip_from="Lyon",
            trip_to="Vienne",
        )
        self.assertAlmostEqual(line_2025.amount_total, 70.00, 2)
        self.assertAlmostEqual(line_2026.amount_total, 63.60, 2)
        self.assertEqual(line_2026.vat_rate, "0")
        self.assertEqual(line_2026.amount_vat, 0.0)
        self.assertEqual(line_2026.vehicle_fiscal_power, 5)
        self.assertEqual(line_2026.mileage_scale_id.year, 2026)
        # Changing the kilometres recomputes the amount.
        line_2026.distance_km = 10
        self.assertAlmostEqual(line_2026.amount_total, 6.36, 2)
        self.assertAlmostEqual(line_2026.report_id.amount_mileage, 6.36, 2)

    @freeze_time("2026-03-15")
    def test_trip_bad_input(self):
        for km in (0, -5, 2001):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self._line(category_id=self.cat_mileage.id, distance_km=km)
        # No vehicle recorded on the activity: clear message, nothing written.
        with self.assertRaises(ValidationError):
            self._line(
                activity=self.activity_b,
                category_id=self.cat_mileage.id,
                distance_km=10,
            )
        self.assertFalse(self.Line.search([("activity_id", "=", self.activity_b.id)]))

    def _trips(self, year, count, km):
        return self.Line.create(
            [
                {
                    "activity_id": self.activity_a.id,
                    "category_id": self.cat_mileage.id,
                    "date": date(year, 3 + i, 10),
                    "distance_km": km,
                    "trip_from": "Lyon",
                    "trip_to": f"Client {i}",
                }
                for i in range(count)
            ]
        )

    def _regularise(self, year):
        wizard = Form(
            self.env["cae.mileage.regularisation.wizard"].with_user(self.accountant)
        )
        wizard.activity_id = self.activity_a
        wizard.year = year
        return wizard.save()

    @freeze_time("2026-01-10")
    def test_regularisation_negative(self):
        """Trips at the marginal rate of the year: entered in date order, 6 000 km
        come to the scale's 3 537.00; the December trip entered first and the
        others back-dated before it make the December one overpaid."""
        december = self._line(
            category_id=self.cat_mileage.id,
            date=date(2025, 12, 10),
            distance_km=1000,
            trip_from="Lyon",
            trip_to="Client 9",
        )
        self.assertAlmostEqual(december.amount_total, 636.00, 2)
        trips = self._trips(2025, 5, 1000)  # March to July, entered afterwards
        self.assertAlmostEqual(sum(trips.mapped("amount_total")), 3180.00, 2)
        wizard = self._regularise(2025)
        # 6000 × 0.357 + 1395 = 3 537.00 due, 3 816.00 paid: 279.00 too much.
        self.assertAlmostEqual(wizard.amount, -279.00, 2)
        self.assertIn("6000 × 0.357 + 1395", wizard.computation)
        self.assertRegex(wizard.computation, r"Trip of 10 July .* added afterwards")
        wizard.action_create_lines()
        line = self.Line.search(
            [("activity_id", "=", self.activity_a.id), ("is_regularisation", "=", True)]
        )
        self.assertAlmostEqual(line.amount_total, -279.00, 2)
        self.assertEqual(line.report_id.date, date(2025, 12, 1))
        self.assertEqual(line.date, date(2025, 12, 31))
        self.assertIn("3537.00", line.regularisation_note)
        # Done once: nothing left to regularise.
        wizard = self._regularise(2025)
        self.assertAlmostEqual(wizard.amount, 0.0, 2)
        with self.assertRaises(UserError):
            wizard.action_create_lines()

    @freeze_time("2026-01-10")
    def test_regularisation_positive(self):
        # Trips entered before the year's scale was published, at a lower rate.
        band = self.Scale._find(2025, "car", 5)._first_band()
        band.rate = 0.600
        self._trips(2025, 4, 1000)  # 4 000 km at 0.600 = 2 400.00
        band.rate = 0.636
        wizard = self._regularise(2025)
        # 4000 × 0.636 = 2 544.00 due: 144.00 more for the entrepreneur.
        self.assertAlmostEqual(wizard.amount, 144.00, 2)
        wizard.action_create_lines()
        report = self.Report.search(
            [("activity_id", "=", self.activity_a.id), ("date", "=", date(2025, 12, 1))]
        )
        self.assertAlmostEqual(report.amount_mileage, 144.00, 2)

    def test_regularisation_refused_to_entrepreneur(self):
        with self.assertRaises(AccessError):
            self.env["cae.mileage.regularisation.wizard"].with_user(
                self.entrepreneur_a
            ).create({"activity_id": self.activity_a.id, "year": 2025})
