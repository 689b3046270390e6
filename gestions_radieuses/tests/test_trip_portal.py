"""The trip form (issue 9): the amount while typing (a read-only JSON route), the
usual trips in one tap, and the phone-size tour that adds one."""

import pathlib
import re
from datetime import timedelta

from odoo.exceptions import AccessError, MissingError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .expense_common import CaeExpenseCommon, CaeExpenseHttpMixin

QUOTE_URL = "/my/expenses/trip_quote"
TOUR_FILE = (
    pathlib.Path(__file__).resolve().parent.parent
    / "static/tests/tours/cae_usual_trip_tour.js"
)
# Issue 9: adding a usual trip takes at most four taps from /my/expenses, and the
# count may not grow.
USUAL_TRIP_MAX_TAPS = 4
# Queries of the usual trips (membership checks, one grouped read, the names).
USUAL_TRIPS_QUERIES = 10


class CaeTripCommon(CaeExpenseCommon):
    @classmethod
    def _usual(cls, count, trip_from, trip_to, km, *, name="Client", days_ago=0):
        return cls.Line.create(
            [
                {
                    "activity_id": cls.activity_a.id,
                    "category_id": cls.cat_mileage.id,
                    "date": cls.today - timedelta(days=days_ago),
                    "distance_km": km,
                    "trip_from": trip_from,
                    "trip_to": trip_to,
                    "name": name,
                }
                for _n in range(count)
            ]
        )


@tagged("post_install", "-at_install")
class TestUsualTrips(CaeTripCommon):
    def test_most_frequent_first_own_lines_only(self):
        self._usual(3, "Lyon", "Vienne", 46, name="Atelier")
        self._usual(1, "Lyon", "Grenoble", 104.5)
        for n in range(6):
            self._usual(2, "Lyon", f"Client {n}", 10 + n)
        # More than a year ago (the date moved in SQL: no longer a valid expense).
        old = self._usual(5, "Lyon", "Ailleurs", 12)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE cae_expense_line SET date = date - 400 WHERE id IN %s",
            [tuple(old.ids)],
        )
        self.env.invalidate_all()
        Line = self.Line.with_user(self.entrepreneur_a)
        trips = Line.portal_usual_trips(self.activity_a.id)
        self.assertEqual(len(trips), 5)
        self.assertEqual(
            (trips[0]["trip_from"], trips[0]["trip_to"], trips[0]["distance_km"]),
            ("Lyon", "Vienne", 46.0),
        )
        self.assertEqual(trips[0]["count"], 3)
        self.assertEqual(trips[0]["name"], "Atelier")
        self.assertEqual(trips[0]["category_id"], self.cat_mileage.id)
        self.assertNotIn("Ailleurs", {trip["trip_to"] for trip in trips})
        # Another entrepreneur's activity, staff, no activity: refused.
        for user, activity_id in (
            (self.entrepreneur_b, self.activity_a.id),
            (self.entrepreneur_a, self.activity_b.id),
            (self.internal, self.activity_a.id),
        ):
            with self.assertRaises(AccessError):
                self.Line.with_user(user).portal_usual_trips(activity_id)
        with self.assertRaises(MissingError):
            Line.portal_usual_trips(10**12)

    def test_query_budget(self):
        """A fixed number of queries, whatever the number of trips."""
        Line = self.Line.with_user(self.entrepreneur_a)
        self._usual(2, "Lyon", "Vienne", 46)
        Line.portal_usual_trips(self.activity_a.id)  # caches of the session warm

        def queries():
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            trips = Line.portal_usual_trips(self.activity_a.id)
            return self.cr.sql_log_count - start, trips

        few, _trips = queries()
        for n in range(40):
            self._usual(1, "Lyon", f"Client {n % 9}", 10 + n % 9)
        many, trips = queries()
        self.assertEqual(len(trips), 5)
        self.assertEqual(many, few)
        self.assertLessEqual(many, USUAL_TRIPS_QUERIES)


@tagged("post_install", "-at_install")
class TestTripQuote(CaeExpenseHttpMixin, HttpCase, CaeTripCommon):
    def _quote(self, **params):
        return self.make_jsonrpc_request(QUOTE_URL, params)

    def test_quote_model(self):
        Line = self.Line.with_user(self.entrepreneur_a)
        quote = Line.portal_trip_quote(self.activity_a.id, "100")
        year_km = sum(
            self.Line.search(
                [
                    ("activity_id", "=", self.activity_a.id),
                    ("is_mileage", "=", True),
                    ("is_regularisation", "=", False),
                    ("date", ">=", self.today.replace(month=1, day=1)),
                ]
            ).mapped("distance_km")
        )
        self.assertEqual(quote["km_before"], year_km)
        self._usual(1, "Lyon", "Vienne", 46)
        quote = Line.portal_trip_quote(self.activity_a.id, "12,5")
        self.assertEqual(quote["km_before"], year_km + 46)
        scale = self.env["cae.mileage.scale"]._find_for_trip(self.today.year, "car", 5)
        self.assertAlmostEqual(
            quote["amount"],
            scale[0]._marginal_amount(
                year_km + 46, 12.5, False, self.company.currency_id
            ),
            2,
        )
        self.assertIn(f"{scale[0].year} scale", quote["sentence"])
        self.assertIn("0.636", quote["sentence"])
        self.assertIn("46 km", quote["sentence"])
        # Saved, the trip is paid what was quoted.
        line = self._line(
            user=self.entrepreneur_a,
            category_id=self.cat_mileage.id,
            distance_km=12.5,
            trip_from="Lyon",
            trip_to="Bron",
        )
        self.assertEqual(line.amount_total, quote["amount"])

    def test_quote_route(self):
        self._login(self.entrepreneur_a)
        with self.assertNoLogs("odoo.http", level="WARNING"):
            result = self._quote(activity_id=self.activity_a.id, distance_km="100")
        self.assertIn("amount_label", result)
        self.assertIn("63.60", result["amount_label"])
        self.assertIn("/km", result["sentence"])
        routing = next(
            rule.endpoint.routing
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule == QUOTE_URL
        )
        self.assertIs(routing["readonly"], True)
        self.assertEqual(routing["auth"], "user")

    def test_quote_refusals(self):
        self._login(self.entrepreneur_a)
        # Bad input: a clear message, nothing else.
        for params in (
            {"distance_km": "abc"},
            {"distance_km": "0"},
            {"distance_km": "2001"},
            {"distance_km": "1e5"},
            {"distance_km": -5},
            {"distance_km": None},
            {"distance_km": [1]},
            {"distance_km": "10", "date": "2099-01-01"},
            {"distance_km": "10", "date": "not a date"},
            {"distance_km": "10", "date": str(self.today - timedelta(days=400))},
        ):
            result = self._quote(activity_id=self.activity_a.id, **params)
            self.assertIn("error", result, params)
            self.assertNotIn("amount", result, params)
        # Another entrepreneur's activity (B has no vehicle, A's is not B's).
        result = self._quote(activity_id=self.activity_b.id, distance_km="10")
        self.assertNotIn("amount", result)
        self._login(self.entrepreneur_b)
        result = self._quote(activity_id=self.activity_a.id, distance_km="10")
        self.assertEqual(list(result), ["error"])
        # An id that is no activity answers 404, as a page would.
        for activity_id in ("x", 0, 2**40, None):
            with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                self._quote(activity_id=activity_id, distance_km="10")
        # The model method over the web client's JSON-RPC: the same refusals.
        self.assertRefused(
            "cae.expense.line", "portal_trip_quote", [self.activity_a.id, "10"]
        )
        self.assertRefused(
            "cae.expense.line", "portal_usual_trips", [self.activity_a.id]
        )
        self._login(self.advisor)
        self.assertRefused(
            "cae.expense.line", "portal_trip_quote", [self.activity_a.id, "10"]
        )
        self._login(self.entrepreneur_a)
        self.assertRefused(
            "cae.expense.line", "portal_trip_quote", [self.activity_a.id, "abc"]
        )
        result = self.rpc(
            "cae.expense.line", "portal_trip_quote", [self.activity_a.id, "10"]
        )
        self.assertAlmostEqual(result["amount"], 6.36, 2)


@tagged("post_install", "-at_install")
class TestUsualTripTour(CaeExpenseHttpMixin, HttpCase, CaeTripCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_taps_counted(self):
        """The tour's user actions: taps (click) and keystrokes (edit), at most
        USUAL_TRIP_MAX_TAPS taps and no typing."""
        source = TOUR_FILE.read_text(encoding="utf-8")
        taps = len(re.findall(r"""run:\s*["']click""", source))
        edits = len(re.findall(r"""run:\s*["'](edit|fill|check|select)""", source))
        self.assertLessEqual(taps, USUAL_TRIP_MAX_TAPS)
        self.assertGreater(taps, 0)
        self.assertEqual(edits, 0)
        self.assertNotIn("run()", source, "every action is a counted step")

    def test_tour_usual_trip(self):
        self._usual(3, "Lyon", "Vienne", 46, name="Atelier de couture", days_ago=2)
        self._usual(1, "Lyon", "Grenoble", 104.5)
        before = self.Line.search_count([("activity_id", "=", self.activity_a.id)])
        self.start_tour("/my/expenses", "cae_usual_trip", login="cae_entrepreneur_a")
        trips = self.Line.search(
            [("activity_id", "=", self.activity_a.id)], order="id desc"
        )
        self.assertEqual(len(trips), before + 1)
        trip = trips[0]
        self.assertEqual((trip.trip_from, trip.trip_to), ("Lyon", "Vienne"))
        self.assertEqual(trip.distance_km, 46)
        self.assertEqual(trip.date, self.today)
        self.assertEqual(trip.name, "Atelier de couture")
        self.assertTrue(trip.amount_total > 0)

    def test_tour_quote_while_typing(self):
        self.start_tour(
            f"/my/expenses/new?mileage=1&activity_id={self.activity_a.id}",
            "cae_trip_quote",
            login="cae_entrepreneur_a",
        )

    def test_page_without_js(self):
        """The trip form and its usual trips are plain HTML forms."""
        self._usual(2, "Lyon", "Vienne", 46)
        self._login(self.entrepreneur_a)
        page = self.url_open(
            f"/my/expenses/new?mileage=1&activity_id={self.activity_a.id}"
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_cae_usual_trip_add", page.text)
        self.assertIn('name="distance_km" value="46.0"', page.text)
        self.assertIn("o_cae_trip_quote", page.text)
