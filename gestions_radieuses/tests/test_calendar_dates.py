from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools.calendar_dates import (
    adjust,
    due_periods,
    holiday_subdivisions,
    horizon_end,
    is_working_day,
    next_working_day,
    nth_working_day,
    period_bounds,
    periodic_due_date,
    public_holidays,
)


@tagged("post_install", "-at_install")
class TestCalendarDates(BaseCase):
    """Date arithmetic of the rules, without the ORM."""

    def test_31st_in_short_months(self):
        due = periodic_due_date
        # The 31st in a 30-day month and in February: the last day by default...
        self.assertEqual(due("monthly", date(2027, 4, 1), day=31), date(2027, 4, 30))
        self.assertEqual(due("monthly", date(2027, 2, 1), day=31), date(2027, 2, 28))
        self.assertEqual(due("monthly", date(2027, 1, 1), day=31), date(2027, 1, 31))
        # ... or the first day of the next month.
        self.assertEqual(
            due("monthly", date(2027, 4, 1), day=31, short_month="next_month"),
            date(2027, 5, 1),
        )
        self.assertEqual(
            due("monthly", date(2027, 2, 1), day=30, short_month="next_month"),
            date(2027, 3, 1),
        )

    def test_leap_years(self):
        due = periodic_due_date
        self.assertEqual(due("monthly", date(2028, 2, 1), day=29), date(2028, 2, 29))
        self.assertEqual(due("monthly", date(2027, 2, 1), day=29), date(2027, 2, 28))
        self.assertEqual(due("monthly", date(2100, 2, 1), day=29), date(2100, 2, 28))
        self.assertEqual(due("monthly", date(2000, 2, 1), day=29), date(2000, 2, 29))
        self.assertEqual(
            due("yearly", date(2028, 1, 1), day=31, month=2), date(2028, 2, 29)
        )

    def test_following_month(self):
        # The expense report of March is due on the 5th of April.
        self.assertEqual(
            periodic_due_date("monthly", date(2027, 3, 1), day=5, months_after=1),
            date(2027, 4, 5),
        )
        # December's is due in January of the next year.
        self.assertEqual(
            periodic_due_date("monthly", date(2026, 12, 1), day=5, months_after=1),
            date(2027, 1, 5),
        )

    def test_quarterly_and_yearly_periods(self):
        self.assertEqual(
            period_bounds("quarterly", date(2027, 5, 17)),
            (date(2027, 4, 1), date(2027, 6, 30)),
        )
        self.assertEqual(
            period_bounds("quarterly", date(2027, 12, 31)),
            (date(2027, 10, 1), date(2027, 12, 31)),
        )
        self.assertEqual(
            period_bounds("yearly", date(2027, 5, 17)),
            (date(2027, 1, 1), date(2027, 12, 31)),
        )
        self.assertEqual(
            period_bounds("monthly", date(2028, 2, 10)),
            (date(2028, 2, 1), date(2028, 2, 29)),
        )
        # URSSAF, quarterly: by the end of the month after the quarter.
        self.assertEqual(
            periodic_due_date("quarterly", date(2027, 1, 1), day=31, months_after=3),
            date(2027, 4, 30),
        )
        # Annual closing of 2026, mid-January 2027.
        self.assertEqual(
            periodic_due_date(
                "yearly", date(2026, 1, 1), day=15, month=1, months_after=12
            ),
            date(2027, 1, 15),
        )

    def test_horizon(self):
        self.assertEqual(horizon_end(date(2027, 3, 10), 6), date(2027, 9, 10))
        # Left empty: a year.
        self.assertEqual(horizon_end(date(2027, 3, 10), 0), date(2028, 3, 10))
        self.assertEqual(horizon_end(date(2028, 2, 29), 12), date(2029, 2, 28))

    def test_due_periods(self):
        today, end = date(2027, 3, 10), date(2027, 6, 10)
        # February's expense report was due on 5 March, before today; June's is
        # due on 5 July, after the horizon.
        self.assertEqual(
            due_periods("monthly", today, end, day=5, months_after=1),
            [
                (date(2027, 3, 1), date(2027, 3, 31), date(2027, 4, 5)),
                (date(2027, 4, 1), date(2027, 4, 30), date(2027, 5, 5)),
                (date(2027, 5, 1), date(2027, 5, 31), date(2027, 6, 5)),
            ],
        )
        # The day before the 1st of the next month: each month's last day.
        self.assertEqual(
            due_periods(
                "monthly",
                today,
                date(2027, 4, 30),
                day=1,
                months_after=1,
                offset_days=-1,
            ),
            [
                (date(2027, 3, 1), date(2027, 3, 31), date(2027, 3, 31)),
                (date(2027, 4, 1), date(2027, 4, 30), date(2027, 4, 30)),
            ],
        )
        # A deadline falling a year after its period is found too.
        self.assertEqual(
            due_periods(
                "yearly",
                today,
                end,
                day=2,
                month=5,
                months_after=12,
                day_type="working",
            ),
            [(date(2026, 1, 1), date(2026, 12, 31), date(2027, 5, 4))],
        )
        # Once: Saturday 1 May 2027 (Labour Day) moves to Monday the 3rd.
        self.assertEqual(
            due_periods(
                "once", today, end, date_once=date(2027, 5, 1), shift_working_day=True
            ),
            [(date(2027, 5, 1), date(2027, 5, 1), date(2027, 5, 3))],
        )
        self.assertEqual(
            due_periods("once", today, end, date_once=date(2027, 3, 9)), []
        )
        self.assertEqual(
            due_periods("once", today, end, date_once=date(2027, 6, 11)), []
        )

    def test_next_working_day(self):
        # Saturday 2027-05-01 is also Labour Day: Monday 3rd.
        self.assertEqual(next_working_day(date(2027, 5, 1)), date(2027, 5, 3))
        # Easter Monday 2027 is 29 March.
        self.assertFalse(is_working_day(date(2027, 3, 29)))
        self.assertEqual(next_working_day(date(2027, 3, 27)), date(2027, 3, 30))
        # Christmas on a Saturday (2027): Monday 27th.
        self.assertEqual(next_working_day(date(2027, 12, 25)), date(2027, 12, 27))
        self.assertEqual(next_working_day(date(2027, 4, 7)), date(2027, 4, 7))
        # 5 June 2027 is a Saturday: the 5th moves to Monday the 7th.
        self.assertEqual(
            periodic_due_date(
                "monthly",
                date(2027, 5, 1),
                day=5,
                months_after=1,
                shift_working_day=True,
            ),
            date(2027, 6, 7),
        )

    def test_working_day_rank(self):
        # CA12: by the 2nd working day after 1 May (2026: Tuesday 5 May, since the
        # 1st is a Friday and a holiday).
        self.assertEqual(nth_working_day(2026, 5, 2), date(2026, 5, 5))
        self.assertEqual(
            periodic_due_date(
                "yearly",
                date(2025, 1, 1),
                day=2,
                month=5,
                months_after=12,
                day_type="working",
            ),
            date(2026, 5, 5),
        )

    def test_offset(self):
        self.assertEqual(
            periodic_due_date(
                "monthly", date(2027, 3, 1), day=1, months_after=1, offset_days=-1
            ),
            date(2027, 3, 31),
        )

    def test_alsace_moselle_and_overseas_holidays(self):
        """Holidays of the CAE's subdivision, from the holidays library."""
        good_friday = date(2027, 3, 26)
        for alsace_moselle in ("6AE", "57"):
            self.assertFalse(is_working_day(good_friday, alsace_moselle))
            # 26 December 2028 is a Tuesday: a holiday in Strasbourg and Forbach only.
            self.assertFalse(is_working_day(date(2028, 12, 26), alsace_moselle))
            # Easter Monday follows Good Friday: the next working day is Tuesday.
            self.assertEqual(
                adjust(good_friday, shift_working_day=True, subdivision=alsace_moselle),
                date(2027, 3, 30),
            )
        self.assertTrue(is_working_day(good_friday))
        self.assertTrue(is_working_day(date(2028, 12, 26)))
        self.assertEqual(adjust(good_friday, shift_working_day=True), good_friday)
        # 26 December 2027 is a Sunday: not a working day anywhere.
        self.assertFalse(is_working_day(date(2027, 12, 26), "6AE"))
        self.assertFalse(is_working_day(date(2027, 12, 26)))
        # La Réunion: abolition of slavery, 20 December (a Monday in 2027).
        self.assertFalse(is_working_day(date(2027, 12, 20), "974"))
        self.assertTrue(is_working_day(date(2027, 12, 20)))
        # Working-day ranks count the subdivision's holidays too (Good Friday, then
        # the week-end and Easter Monday).
        self.assertEqual(nth_working_day(2027, 3, 19), date(2027, 3, 25))
        self.assertEqual(nth_working_day(2027, 3, 20), date(2027, 3, 26))
        self.assertEqual(nth_working_day(2027, 3, 20, "6AE"), date(2027, 3, 30))

    def test_holidays_computed_once_per_year_and_subdivision(self):
        public_holidays.cache_clear()
        for day in range(1, 32):
            is_working_day(date(2027, 12, day), "6AE")
        info = public_holidays.cache_info()
        # 23 weekdays (week-ends need no holiday list): computed once, then cached.
        self.assertEqual((info.misses, info.hits), (1, 22))

    def test_subdivision_choices(self):
        codes = dict(holiday_subdivisions())
        self.assertEqual(codes["6AE"], "Alsace")
        self.assertEqual(codes["57"], "Moselle")
        self.assertEqual(codes["974"], "La Réunion")
        # School-holiday zones are not public holidays.
        self.assertFalse({"Zone A", "Zone B", "Zone C"} & set(codes))
