from . import test_activity
from . import test_activity_access
from . import test_activity_portal
