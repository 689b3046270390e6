from . import test_figure_definitions
from . import test_figures_books
from . import test_figures_portal
from . import test_consolidated_table
from . import test_accounting_demo
