"""Trips at the marginal rate of the year (issue 9, finding 3).

The clock is frozen on 20 December 2026; 2026's scale is the latest and official
here (5 CV car: d × 0.636 up to 5 000 km, d × 0.357 + 1 395 up to 20 000, d × 0.427
beyond), whatever the real date when the suite runs.
"""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_mileage_provisional import CaeMileageProvisionalCommon


def _cents(amount):
    return round(amount * 100)


@tagged("post_install", "-at_install")
@freeze_time("2026-12-20 10:00:00")
class TestMileageMarginal(CaeMileageProvisionalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # 2026's scale the latest, official
        cls.scale = cls.Scale._find(2026, "car", 5)
        cls.eur = cls.env.company.currency_id

    def _f(self, km):
        return self.scale._annual_amount(km, False, self.eur)[0]

    def _trip_of(self, day, km, to="Vienne", user=None):
        return self._line(
            user=user,
            category_id=self.cat_mileage.id,
            date=day,
            distance_km=km,
            trip_from="Lyon",
            trip_to=to,
            name="Client",
        )

    def _regularise(self):
        wizard = Form(
            self.env["cae.mileage.regularisation.wizard"].with_user(self.accountant)
        )
        wizard.activity_id = self.activity_a
        wizard.year = 2026
        return wizard.save()

    def _year_in_date_order(self, distances):
        """One trip every few days from 2 January, entered one at a time."""
        trips = self.Line
        day = date(2026, 1, 2)
        step = timedelta(days=max(1, 340 // len(distances)))
        for km in distances:
            trips |= self._trip_of(day, km)
            day += step
        return trips

    def test_date_order_adds_up_across_both_bands(self):
        """Through 5 000 and 20 000 km (landing exactly on both and crossing them
        inside a trip), each prefix of the year is paid f(its kilometres) to the
        cent, and the regularisation is 0.00."""
        # 4 999.5 + 0.5 lands on 5 000; 14 × 1 071.4 = 14 999.6, then 0.4 lands on
        # 20 000; then 1 234.5 km over 3 trips, and a trip across 5 000 is tested
        # by the second year below.
        distances = [333.3] * 15 + [0.5] + [1071.4] * 14 + [0.4, 412.7, 409.1, 412.7]
        trips = self._year_in_date_order(distances)
        paid = 0
        km = 0.0
        crossed = set()
        for trip in trips.sorted(lambda t: (t.date, t.id)):
            km = round(km + trip.distance_km, 1)
            paid += _cents(trip.amount_total)
            self.assertEqual(paid, _cents(self._f(km)), km)
            crossed |= {limit for limit in (5000, 20000) if km >= limit}
        self.assertEqual(crossed, {5000, 20000})
        self.assertAlmostEqual(km, 21234.5, 1)
        # 21 234.5 × 0.427 = 9 067.13 for the year, to the cent.
        self.assertEqual(paid, _cents(self._f(21234.5)))
        self.assertEqual(paid, 906713)
        wizard = self._regularise()
        self.assertEqual(wizard.amount, 0.0)
        self.assertIn("regularisation +0.00", wizard.computation)
        self.assertNotIn("moved", wizard.computation)
        with self.assertRaises(UserError):
            wizard.action_create_lines()

    def test_trips_crossing_a_band_inside(self):
        """A trip across 5 000 km is paid its first-band part and its second-band
        part; one across 20 000 km gets the scale's jump at 20 000."""
        trips = self._year_in_date_order([1800.0] * 12)  # 21 600 km
        amounts = trips.sorted(lambda t: (t.date, t.id)).mapped("amount_total")
        self.assertAlmostEqual(amounts[0], 1144.80, 2)  # 1 800 × 0.636
        # 3 600 → 5 400: f(5 400) − f(3 600) = 3 322.80 − 2 289.60.
        self.assertAlmostEqual(amounts[2], 1033.20, 2)
        # 19 800 → 21 600: 21 600 × 0.427 − (19 800 × 0.357 + 1 395).
        self.assertAlmostEqual(amounts[11], 9223.20 - 8463.60, 2)
        self.assertEqual(_cents(sum(amounts)), _cents(self._f(21600)))
        self.assertEqual(self._regularise().amount, 0.0)

    def test_back_dated_trip(self):
        """A trip entered after later ones: it is paid at its place in the year;
        the later trips' amounts do not change (even submitted ones); the
        regularisation is what it moved, said in plain words."""
        trips = self.Line
        for month in range(1, 11):  # 600 km on the 10th, January to October
            trips |= self._trip_of(date(2026, month, 10), 600)
        self.assertEqual(_cents(sum(trips.mapped("amount_total"))), _cents(3537.00))
        for report in trips.report_id.filtered(lambda r: r.date.month >= 4):
            report.with_user(self.entrepreneur_a).action_submit()
        before = {trip.id: trip.amount_total for trip in trips}
        late = self._trip_of(
            date(2026, 3, 3), 200, to="Grenoble", user=self.entrepreneur_a
        )
        # 1 200 km before it (January, February): 200 × 0.636.
        self.assertAlmostEqual(late.amount_total, 127.20, 2)
        self.assertEqual({trip.id: trip.amount_total for trip in trips}, before)
        wizard = self._regularise()
        # f(6 200) = 3 608.40 due; 3 537.00 + 127.20 paid.
        self.assertAlmostEqual(wizard.amount, -55.80, 2)
        self.assertRegex(
            wizard.computation,
            r"Trip of 3 March \(Lyon → Grenoble, 200 km\) added afterwards: "
            r"\D*55\.80",
        )
        self.assertNotIn("Other differences", wizard.computation)
        wizard.action_create_lines()
        line = self.Line.search(
            [("activity_id", "=", self.activity_a.id), ("is_regularisation", "=", True)]
        )
        self.assertAlmostEqual(line.amount_total, -55.80, 2)
        self.assertIn("added afterwards", line.regularisation_note)
        shift = self.env["cae.mileage.shift"].search(
            [("activity_id", "=", self.activity_a.id)]
        )
        self.assertEqual(shift.settled_line_id, line)
        self.assertEqual(self._regularise().amount, 0.0)

    def test_removed_and_changed_trip(self):
        trips = self.Line
        for month in range(1, 11):
            trips |= self._trip_of(date(2026, month, 10), 600)
        march = trips.filtered(lambda t: t.date.month == 3)
        self.assertAlmostEqual(march.amount_total, 381.60, 2)
        march.with_user(self.entrepreneur_a).portal_remove_expense()
        wizard = self._regularise()
        # 5 400 km: f = 3 322.80 due; 3 537.00 − 381.60 paid: +167.40.
        self.assertAlmostEqual(wizard.amount, 167.40, 2)
        self.assertRegex(
            wizard.computation,
            r"Trip of 10 March \(Lyon → Vienne, 600 km\) removed: \+\D*167\.40",
        )
        # The April trip was 100 km longer: repriced at its place (1 200 km
        # before it now), the later trips unchanged.
        april = trips.filtered(lambda t: t.exists() and t.date.month == 4)
        april.with_user(self.entrepreneur_a).portal_correct_expense(distance_km=700)
        self.assertAlmostEqual(april.amount_total, self._f(1900) - self._f(1200), 2)
        wizard = self._regularise()
        paid = sum(
            self.Line.search(
                [("activity_id", "=", self.activity_a.id), ("is_mileage", "=", True)]
            ).mapped("amount_total")
        )
        self.assertAlmostEqual(wizard.amount, self._f(5500) - paid, 2)
        self.assertIn("changed afterwards", wizard.computation)
        self.assertNotIn("Other differences", wizard.computation)
        shifts = self.env["cae.mileage.shift"].search(
            [("activity_id", "=", self.activity_a.id)]
        )
        self.assertEqual(set(shifts.mapped("kind")), {"removed", "changed"})
        self.assertAlmostEqual(sum(shifts.mapped("amount")), wizard.amount, 2)

    @freeze_time("2027-03-15 10:00:00")
    def test_back_dated_provisional_trips_repriced(self):
        """Provisional trips (no 2027 scale yet), one back-dated: once the scale
        is added, every trip is at its place by it, nothing left to regularise,
        and adding it again changes nothing."""
        feb = self._trip_of(date(2027, 2, 10), 2000)
        feb |= self._trip_of(date(2027, 2, 20), 1000)
        feb.report_id.with_user(self.entrepreneur_a).action_submit()
        self._trip_of(date(2027, 3, 10), 1500)
        self._trip_of(date(2027, 1, 20), 1000, to="Grenoble")  # back-dated
        Shift = self.env["cae.mileage.shift"]
        self.assertTrue(Shift.search([("activity_id", "=", self.activity_a.id)]))
        scale = self._add_scale_2027(rate=0.700)
        wizard = Form(
            self.env["cae.mileage.regularisation.wizard"].with_user(self.accountant)
        )
        wizard.activity_id = self.activity_a
        wizard.year = 2027
        wizard = wizard.save()
        self.assertEqual(wizard.amount, 0.0)
        self.assertFalse(
            Shift.search(
                [("activity_id", "=", self.activity_a.id), ("settled", "=", False)]
            )
        )
        # 5 500 km by the 2027 scale: 5500 × 0.357 + 1395.
        paid = self.Line.search(
            [("activity_id", "=", self.activity_a.id), ("is_mileage", "=", True)]
        )
        self.assertAlmostEqual(sum(paid.mapped("amount_total")), 3358.50, 2)
        # February as submitted (0.636); the adjustment: 2 100.00 by the 2027
        # scale at their places, 1 908.00 paid.
        self.assertEqual(sum(feb.mapped("amount_total")), 1908.00)
        self.assertAlmostEqual(self._adjustments().amount_total, 192.00, 2)
        scale.with_user(self.manager).write({"power_max": 5})
        self.assertEqual(len(self._adjustments()), 1)

    def test_amounts_protected(self):
        trip = self._trip_of(date(2026, 3, 10), 100)
        shift_model = self.env["cae.mileage.shift"]
        for user in (self.entrepreneur_a, self.accountant, self.manager):
            with self.assertRaises(AccessError), self.cr.savepoint():
                shift_model.with_user(user).create(
                    {
                        "activity_id": self.activity_a.id,
                        "year": 2026,
                        "kind": "added",
                        "trip_date": date(2026, 3, 10),
                        "amount": 999,
                    }
                )
        with self.assertRaises(AccessError), self.cr.savepoint():
            trip.with_user(self.entrepreneur_a).write({"amount_total": 999})
        self.assertAlmostEqual(trip.amount_total, 63.60, 2)

    def test_french_formats(self):
        """The quote and the regularisation's sentences in French formats."""
        self.env["res.lang"]._activate_lang("fr_FR")
        for month in (1, 2, 4):
            self._trip_of(date(2026, month, 10), 2000)
        self._trip_of(date(2026, 3, 3), 87.5, to="Grenoble")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        quote = (
            self.Line.with_env(fr)
            .with_user(self.entrepreneur_a)
            .portal_trip_quote(self.activity_a.id, "100")
        )
        self.assertIn("0,357", quote["sentence"])
        self.assertRegex(quote["sentence"], r"6\s087,5 km")
        shift = (
            self.env["cae.mileage.shift"]
            .with_env(fr)
            .search([("activity_id", "=", self.activity_a.id)])
        )
        self.assertRegex(shift._sentence(), r"3 mars.*87,5 km.*-\W*\d+,\d\d")
