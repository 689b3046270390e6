from odoo import api, models

# Activity fields that rule filters use: a change may create or cancel deadlines.
DEADLINE_FIELDS = {
    "active",
    "stage",
    "stage_date",
    "sector",
    "vehicle_type",
    "vehicle_fiscal_power",
    "vehicle_electric",
    "contribution_rate",
    "company_id",
    "entrepreneur_id",
    "co_entrepreneur_ids",
}


class CaeActivity(models.Model):
    """Deadlines follow the activity: created with it, updated when it changes."""

    _inherit = "cae.activity"

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        self.env["cae.deadline"]._generate(activities=activities)
        return activities

    def write(self, vals):
        result = super().write(vals)
        if DEADLINE_FIELDS & set(vals):
            self.env["cae.deadline"]._generate(
                activities=self.with_context(active_test=False)
            )
        return result
