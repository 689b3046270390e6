import pytz

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError

from ..tools.calendar_dates import holiday_subdivisions

# A French CAE's day unless the company says otherwise (La Réunion, Guadeloupe…).
DEFAULT_CAE_TZ = "Europe/Paris"
# What the CAE owes an entrepreneur is a liability: "421 Personnel - Rémunérations
# dues" of the French chart (425, the first default, is an asset: advances to staff).
DEFAULT_PAYABLE_ACCOUNT = "421"
# Where an expense of a month already submitted goes (cae.expense.report).
LATE_EXPENSE_POLICIES = [
    ("complement", "A complementary report of the same month"),
    ("next_month", "The report of the next month still open"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    cae_tz = fields.Selection(
        _tz_get,
        string="CAE time zone",
        default=DEFAULT_CAE_TZ,
        required=True,
        help="The cooperative's day: every business date (expense month, late "
        "deadlines, stage dates) is taken in this time zone, whoever acts and "
        "whatever their own time zone.",
    )
    cae_holiday_subdivision = fields.Selection(
        lambda self: holiday_subdivisions(),
        string="Public holidays of",
        help="Leave empty for metropolitan France. Choose Alsace or Moselle for their "
        "two extra public holidays (Good Friday, 26 December), or your overseas "
        "department or territory. Working days of the administrative calendar "
        "follow it.",
    )
    cae_upload_max_size_mb = fields.Integer(
        string="Maximum upload size (MB)",
        default=10,
        help="Largest file an entrepreneur may upload from the portal "
        "(documents and receipts).",
    )
    cae_analytic_plan_id = fields.Many2one(
        "account.analytic.plan",
        string="Analytic plan for activities",
        help="Plan in which an analytic account is created for each new activity.",
    )

    cae_expense_payable_account = fields.Char(
        string="Account for amounts owed to entrepreneurs",
        default=DEFAULT_PAYABLE_ACCOUNT,
        help="Credited with the total of each approved expense report in the "
        "accounting export, with the entrepreneur as third party: a liability, "
        "421 (Personnel - Rémunérations dues) or the CAE's own account for "
        "expense reimbursements. Not 425, an asset in the French chart "
        "(advances paid to staff).",
    )
    cae_expense_journal_code = fields.Char(
        string="Expense journal code",
        default="NDF",
        help="Journal code written on each line of the accounting export.",
    )
    cae_late_expense_policy = fields.Selection(
        LATE_EXPENSE_POLICIES,
        string="Expenses of a month already submitted",
        default="complement",
        required=True,
        help="Where an expense goes when its month's report was already submitted: "
        "a complementary report of that month, created on the fly, or the report "
        "of the next month still open.",
    )

    _sql_constraints = [
        (
            "cae_upload_max_size_mb_positive",
            "CHECK(cae_upload_max_size_mb > 0 AND cae_upload_max_size_mb <= 100)",
            "The maximum upload size must be between 1 and 100 MB.",
        ),
    ]

    def _cae_today(self):
        """Today in the CAE's time zone (the current company when self is empty).

        The one source of "today" for business dates: never the acting user's
        time zone, never a context key; tests move the clock with freeze_time.
        """
        return self._cae_date(fields.Datetime.now())

    def _cae_date(self, utc_datetime):
        """The CAE's calendar day of a naive UTC datetime (as stored by Odoo)."""
        company = self[:1] or self.env.company
        tz = pytz.timezone(company.sudo().cae_tz or DEFAULT_CAE_TZ)
        return pytz.utc.localize(utc_datetime).astimezone(tz).date()

    def _cae_holiday_subdivision(self):
        """Subdivision code of the CAE's public holidays (None: metropolitan France)."""
        company = self[:1] or self.env.company
        return company.cae_holiday_subdivision or None

    @api.model
    def _cae_default_analytic_plan(self):
        """Plan used when the company has none configured (shipped as data)."""
        return self.env.ref(
            "gestions_radieuses.analytic_plan_activities", raise_if_not_found=False
        )

    # Administrative calendar
    cae_deadline_horizon_months = fields.Integer(
        string="Deadline horizon (months)",
        default=12,
        help="Deadlines are prepared this many months ahead (1 to 36).",
    )

    @api.constrains("cae_deadline_horizon_months")
    def _check_cae_deadline_horizon_months(self):
        for company in self:
            if not 1 <= company.cae_deadline_horizon_months <= 36:
                raise ValidationError(
                    self.env._("The deadline horizon must be between 1 and 36 months.")
                )

    def write(self, vals):
        # Saving the settings writes every field: regenerate only on a real change.
        changed = self.browse()
        for field in ("cae_deadline_horizon_months", "cae_holiday_subdivision"):
            if field in vals:
                changed |= self.filtered(lambda c, f=field: c[f] != (vals[f] or False))
        result = super().write(vals)
        if changed:
            rules = (
                self.env["cae.deadline.rule"]
                .sudo()
                .search([("company_id", "in", changed.ids)])
            )
            rules._generate_deadlines()
        return result
