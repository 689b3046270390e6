from . import (
    test_calendar_dates,
    test_calendar_portal,
    test_deadline_access,
    test_deadline_digest,
    test_deadline_generation,
)
