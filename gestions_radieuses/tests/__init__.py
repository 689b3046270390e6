from . import test_calendar_dates, test_deadline_generation
