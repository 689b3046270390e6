from . import figures_portal
