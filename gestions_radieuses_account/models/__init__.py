from . import cae_figure
from . import cae_activity_figures
from . import cae_activity_consolidation
