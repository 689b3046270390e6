from . import test_activity
from . import test_activity_access
from . import test_activity_portal

# isort: split
# The administrative calendar (issue 3).
from . import (
    test_calendar_dates,
    test_calendar_portal,
    test_deadline_access,
    test_deadline_digest,
    test_deadline_generation,
)
