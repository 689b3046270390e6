from odoo import api, models
from odoo.exceptions import AccessError

# Each staff role's first page in the CAE app, most responsibilities first: a
# manager is also an advisor and an accountant (implied groups).
CAE_HOME_ACTIONS = [
    (
        "gestions_radieuses.group_manager",
        "gestions_radieuses.cae_deadline_action_needs_me",
    ),
    ("gestions_radieuses.group_advisor", "gestions_radieuses.cae_activity_action"),
    (
        "gestions_radieuses.group_accountant",
        "gestions_radieuses.cae_expense_report_action_to_approve",
    ),
]


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _cae_home_action(self):
        """The window action the CAE app opens for the current user (the app's root
        menu and the demo staff's home action run it): the accountant lands on the
        reports to approve, an advisor on their entrepreneurs, a manager on what
        waits for them, each on a model their role may read."""
        user = self.env.user
        for group, xmlid in CAE_HOME_ACTIONS:
            if user.has_group(group):
                action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
                if group == "gestions_radieuses.group_advisor":
                    action["name"] = action["display_name"] = self.env._(
                        "My entrepreneurs"
                    )
                    action["context"] = {"search_default_my_entrepreneurs": 1}
                return action
        raise AccessError(self.env._("The CAE app is for the support team."))
