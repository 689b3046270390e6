from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError

from ..models.res_company import LATE_EXPENSE_POLICIES
from ..tools.calendar_dates import holiday_subdivisions

# The company's CAE settings a manager edits (CAE > Configuration > Settings).
# The analytic plan stays in Odoo's Settings (administrators): choosing one needs
# the analytic accountants' rights.
CAE_SETTINGS_FIELDS = (
    "cae_tz",
    "cae_holiday_subdivision",
    "cae_upload_max_size_mb",
    "cae_deadline_horizon_months",
    "cae_expense_payable_account",
    "cae_expense_journal_code",
    "cae_late_expense_policy",
)


class CaeSettings(models.TransientModel):
    """The CAE's settings for its managers, who are not Odoo administrators.

    Odoo's Settings (res.config.settings) are for administrators only
    (base.group_system), as hr and hr_expense keep them; a CAE manager sets their
    own cooperative here: the form reads the current company, *Save* writes back
    only the fields above, after checking the manager's group.
    """

    _name = "cae.settings"
    _description = "CAE settings"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    cae_tz = fields.Selection(
        _tz_get,
        string="Time zone",
        required=True,
        default=lambda self: self._company_value("cae_tz"),
        help="Business dates (expense month, late deadlines, stage dates) follow this "
        "time zone, whoever acts and whatever their own time zone.",
    )
    cae_holiday_subdivision = fields.Selection(
        lambda self: holiday_subdivisions(),
        string="Public holidays of",
        default=lambda self: self._company_value("cae_holiday_subdivision"),
        help="Leave empty for metropolitan France; choose Alsace, Moselle or your "
        "overseas department if it has holidays of its own.",
    )
    cae_upload_max_size_mb = fields.Integer(
        string="Maximum upload size (MB)",
        default=lambda self: self._company_value("cae_upload_max_size_mb"),
        help="Largest document or receipt an entrepreneur may send.",
    )
    cae_deadline_horizon_months = fields.Integer(
        string="Deadline horizon (months)",
        default=lambda self: self._company_value("cae_deadline_horizon_months"),
        help="How many months ahead deadlines are prepared (1 to 36).",
    )
    cae_expense_payable_account = fields.Char(
        string="Account for amounts owed to entrepreneurs",
        default=lambda self: self._company_value("cae_expense_payable_account"),
        help="Credited with each approved expense report in the accounting export, "
        "with the entrepreneur as third party. What the CAE owes is a liability: "
        "421 (Personnel - Rémunérations dues) or your own account for expense "
        "reimbursements; not 425, an asset in the French chart (advances paid to "
        "staff).",
    )
    cae_expense_journal_code = fields.Char(
        string="Expense journal code",
        default=lambda self: self._company_value("cae_expense_journal_code"),
        help="Journal code written on the exported entries.",
    )

    cae_late_expense_policy = fields.Selection(
        LATE_EXPENSE_POLICIES,
        string="Expenses of a month already submitted",
        required=True,
        default=lambda self: self._company_value("cae_late_expense_policy"),
        help="Where an expense goes when its month's report was already submitted: "
        "a complementary report of that month, created on the fly, or the report "
        "of the next month still open.",
    )

    @api.model
    def _company_value(self, field):
        return self.env.company.sudo()[field]

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(
            "gestions_radieuses.group_manager"
        ):
            raise AccessError(
                self.env._("Only the CAE's managers change its settings.")
            )

    def action_save(self):
        """Write these settings on the company (the company's own constraints
        check them)."""
        self.ensure_one()
        self._check_manager()
        company = self.company_id
        if company not in self.env.user.company_ids:
            raise AccessError(self.env._("You do not work for this company."))
        company.sudo().write({field: self[field] for field in CAE_SETTINGS_FIELDS})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Settings saved."),
            },
        }

    def action_generate_now(self):
        return self.env["cae.deadline"].action_cae_generate_now()

    def action_send_digests_now(self):
        return self.env["cae.deadline"].action_cae_send_digests_now()
