from . import portal
from . import activity_portal
from . import calendar_portal
from . import expense_portal
from . import trip_portal
