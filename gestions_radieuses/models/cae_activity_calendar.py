from odoo import api, fields, models

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

    deadline_late_count = fields.Integer(
        string="Late deadlines", compute="_compute_deadline_late_count"
    )

    def _compute_deadline_late_count(self):
        counts = dict(
            self.env["cae.deadline"]._read_group(
                [("activity_id", "in", self.ids), ("is_late", "=", True)],
                ["activity_id"],
                ["__count"],
            )
        )
        for activity in self:
            activity.deadline_late_count = counts.get(activity, 0)

    def action_view_deadlines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "gestions_radieuses.cae_deadline_action"
        )
        action["domain"] = [("activity_id", "=", self.id)]
        action["view_mode"] = "list,calendar,kanban,form"
        action["views"] = [
            (False, mode) for mode in ("list", "calendar", "kanban", "form")
        ]
        action["context"] = {
            "search_default_filter_todo": 1,
            "cae_deadline_show_activity": False,
        }
        return action

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
