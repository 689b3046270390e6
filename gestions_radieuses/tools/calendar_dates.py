"""Pure date arithmetic of the administrative calendar (no ORM, easy to test).

French public holidays are those of the whole country (the Alsace-Moselle extra days
are not counted): the administrations that set these deadlines count the same way.
"""

import calendar
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
# Easter Monday, Ascension Thursday, Whit Monday, in days after Easter Sunday.
EASTER_HOLIDAY_OFFSETS = (1, 39, 50)


def french_public_holidays(year):
    days = {date(year, month, day) for month, day in FIXED_HOLIDAYS}
    sunday = easter(year)
    days.update(sunday + timedelta(days=offset) for offset in EASTER_HOLIDAY_OFFSETS)
    return days


def is_working_day(day):
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def next_working_day(day):
    """The day itself if it is a working day, else the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def nth_working_day(year, month, rank):
    """The rank-th working day of the month (the last one if the month is shorter)."""
    day = date(year, month, 1)
    found = None
    count = 0
    while day.month == month:
        if is_working_day(day):
            found = day
            count += 1
            if count == rank:
                return day
        day += timedelta(days=1)
    return found


def day_in_month(year, month, day, short_month="last_day"):
    """Day ``day`` of the month; when the month is too short (31 in a 30-day month,
    29-31 in February), either its last day or the first day of the next month."""
    last = calendar.monthrange(year, month)[1]
    if day <= last:
        return date(year, month, day)
    if short_month == "next_month":
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, last)


def period_bounds(recurrence, day):
    """(first day, last day) of the monthly, quarterly or yearly period of ``day``."""
    if recurrence == "monthly":
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)
    if recurrence == "quarterly":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return start, start + relativedelta(months=3, days=-1)
    if recurrence == "yearly":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(recurrence)


def next_period_start(recurrence, start):
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}[recurrence]
    return start + relativedelta(months=step)


def periodic_due_date(
    recurrence,
    period_start,
    *,
    day,
    month=1,
    months_after=0,
    day_type="calendar",
    short_month="last_day",
    offset_days=0,
    shift_working_day=False,
):
    """Due date of a monthly, quarterly or yearly period.

    The due month is the period's first month (for a yearly period: ``month`` of that
    year), ``months_after`` months later. In it, the due day is ``day`` (calendar day)
    or the ``day``-th working day; then ``offset_days`` are added and, if asked, the
    date moves to the next working day.
    """
    anchor = period_start
    if recurrence == "yearly":
        anchor = date(period_start.year, month or 1, 1)
    anchor += relativedelta(months=months_after or 0)
    if day_type == "working":
        due = nth_working_day(anchor.year, anchor.month, day)
    else:
        due = day_in_month(anchor.year, anchor.month, day, short_month)
    return adjust(due, offset_days, shift_working_day)


def adjust(day, offset_days=0, shift_working_day=False):
    day += timedelta(days=offset_days or 0)
    if shift_working_day:
        day = next_working_day(day)
    return day
