from . import portal
from . import calendar
from . import expense_portal
