from . import test_figure_definitions
from . import test_accounting_demo
