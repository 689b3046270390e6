from . import test_figure_definitions
