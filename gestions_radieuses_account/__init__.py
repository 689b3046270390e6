from . import controllers
from . import models
from . import demo
from . import wizard


def post_init_hook(env):
    """Companies that already have a chart of accounts get their expense
    journal, liability account and category accounts (companies that load a chart
    later get them then)."""
    env["res.company"].search([])._cae_setup_accounting()
