from . import cae_figure
