from odoo import models

from ..tools.formats import PortalFormats


class IrQWeb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _prepare_frontend_environment(self, values):
        """The portal pages format numbers, days and plurals the user's way
        (tools/formats.py) as ``cae_format``."""
        irQweb = super()._prepare_frontend_environment(values)
        values.setdefault("cae_format", PortalFormats(irQweb.env))
        return irQweb
