from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        # A company whose chart is just loaded can post expense reports at once.
        (company or self.env.company)._cae_setup_accounting()
        return result
