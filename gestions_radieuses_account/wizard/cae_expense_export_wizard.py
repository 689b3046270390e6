from odoo import models


class CaeExpenseExportWizard(models.TransientModel):
    _inherit = "cae.expense.export.wizard"

    def _report_domain(self):
        # A report posted in Odoo's books is already in them: exported to another
        # tool as well, its charges and VAT would count twice. The file carries
        # only reports approved before Accounting was installed.
        return [*super()._report_domain(), ("move_id", "=", False)]
