from . import portal

# isort: split
from . import calendar
