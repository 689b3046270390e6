"""Pure date arithmetic of the administrative calendar (no ORM, easy to test).

Public holidays come from the maintained ``holidays`` library: those of metropolitan
France, or of one of its subdivisions (Alsace, Moselle, overseas departments and
territories) when a CAE sets one. Functions take the subdivision code as an argument;
the company's choice is read in ``res.company``.
"""

import calendar
import functools
from datetime import date, timedelta

import holidays
from dateutil.relativedelta import relativedelta

# School-holiday zones are not public holidays (category "school" of the library).
_SCHOOL_ZONES = ("Zone A", "Zone B", "Zone C")


def holiday_subdivisions():
    """[(code, name)] of the French subdivisions with public holidays of their own."""
    names = {}
    for alias, code in holidays.France.subdivisions_aliases.items():
        # The longest alias is the full name ("Alsace", "La Réunion"), not "RE".
        if len(alias) > len(names.get(code, "")):
            names[code] = alias
    return [
        (code, names.get(code, code))
        for code in holidays.France.subdivisions
        if code not in _SCHOOL_ZONES
    ]


@functools.lru_cache(maxsize=512)
def public_holidays(year, subdivision=None):
    """The public holidays of a year, computed once per (year, subdivision)."""
    return frozenset(holidays.France(subdiv=subdivision or None, years=year).keys())


def is_working_day(day, subdivision=None):
    return day.weekday() < 5 and day not in public_holidays(day.year, subdivision)


def next_working_day(day, subdivision=None):
    """The day itself if it is a working day, else the next working day."""
    while not is_working_day(day, subdivision):
        day += timedelta(days=1)
    return day


def nth_working_day(year, month, rank, subdivision=None):
    """The rank-th working day of the month (the last one if the month is shorter)."""
    day = date(year, month, 1)
    found = None
    count = 0
    while day.month == month:
        if is_working_day(day, subdivision):
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
    subdivision=None,
):
    """Due date of a monthly, quarterly or yearly period.

    The due month is the period's first month (for a yearly period: ``month`` of that
    year), ``months_after`` months later. In it, the due day is ``day`` (calendar day)
    or the ``day``-th working day; then ``offset_days`` are added and, if asked, the
    date moves to the next working day. Working days are those of ``subdivision``
    (metropolitan France when None).
    """
    anchor = period_start
    if recurrence == "yearly":
        anchor = date(period_start.year, month or 1, 1)
    anchor += relativedelta(months=months_after or 0)
    if day_type == "working":
        due = nth_working_day(anchor.year, anchor.month, day, subdivision)
    else:
        due = day_in_month(anchor.year, anchor.month, day, short_month)
    return adjust(due, offset_days, shift_working_day, subdivision)


def adjust(day, offset_days=0, shift_working_day=False, subdivision=None):
    day += timedelta(days=offset_days or 0)
    if shift_working_day:
        day = next_working_day(day, subdivision)
    return day


def horizon_end(today, months):
    """The last day deadlines are prepared for: ``months`` months after ``today``
    (12 when the CAE leaves it empty)."""
    return today + relativedelta(months=months or 12)


def due_periods(
    recurrence,
    today,
    end,
    *,
    date_once=None,
    months_after=0,
    offset_days=0,
    shift_working_day=False,
    subdivision=None,
    **due_day,
):
    """[(period start, period end, due date)] of a rule that happens once
    (``date_once``) or every month, quarter or year, for every period due from
    ``today`` to ``end`` included. ``due_day`` (day, month, day_type, short_month)
    and the other arguments are those of ``periodic_due_date``."""
    if recurrence == "once":
        due = adjust(date_once, offset_days, shift_working_day, subdivision)
        if today <= due <= end:
            return [(date_once, date_once, due)]
        return []
    # Start early enough for a period whose deadline falls months after it.
    margin = timedelta(days=abs(offset_days or 0))
    first = today - relativedelta(months=max(months_after or 0, 0) + 12) - margin
    start = period_bounds(recurrence, first)[0]
    periods = []
    while start <= end + margin:
        due = periodic_due_date(
            recurrence,
            start,
            months_after=months_after,
            offset_days=offset_days,
            shift_working_day=shift_working_day,
            subdivision=subdivision,
            **due_day,
        )
        if today <= due <= end:
            periods.append((start, period_bounds(recurrence, start)[1], due))
        start = next_period_start(recurrence, start)
    return periods
