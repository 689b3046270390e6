from . import cae_figure
from . import cae_activity_consolidation
