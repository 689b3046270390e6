import operator as py_operator
import uuid

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.protected_fields import check_protected_fields

STAGES = [
    ("candidate", "Candidate"),
    ("cape", "CAPE contract"),
    ("salaried", "Salaried entrepreneur (CESA / CDI)"),
    ("associate", "Associate"),
    ("left", "Left"),
]
# Stages in which décret 2015-1363 asks for two individual interviews a year.
CONTRACT_STAGES = ("cape", "salaried", "associate")
# The legal minimum of individual accompaniment interviews over twelve months.
MIN_INTERVIEWS_PER_YEAR = 2

OPERATORS = {
    "<": py_operator.lt,
    "<=": py_operator.le,
    ">": py_operator.gt,
    ">=": py_operator.ge,
    "=": py_operator.eq,
    "!=": py_operator.ne,
}


class CaeActivity(models.Model):
    _name = "cae.activity"
    _description = "Entrepreneur activity"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "cae.deadline.source",
    ]
    _order = "name, id"
    _check_company_auto = True
    # Deadlines follow the activity: every rule's, created with it and updated
    # when a field that rule filters use changes.
    _cae_deadline_fields = frozenset(
        {
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
    )

    name = fields.Char(string="Trade name", required=True, tracking=True)
    reference = fields.Char(
        readonly=True, copy=False, default="/", index="btree_not_null"
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    entrepreneur_id = fields.Many2one(
        "res.partner",
        string="Lead entrepreneur",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    co_entrepreneur_ids = fields.Many2many(
        "res.partner",
        "cae_activity_co_entrepreneur_rel",
        "activity_id",
        "partner_id",
        string="Co-entrepreneurs",
        check_company=True,
        help="For a collective activity: the other entrepreneurs who run it and see "
        "it on their portal.",
    )
    member_partner_ids = fields.Many2many(
        "res.partner",
        "cae_activity_member_rel",
        "activity_id",
        "partner_id",
        string="Entrepreneurs",
        compute="_compute_member_partner_ids",
        store=True,
        help="Lead and co-entrepreneurs: who sees this activity on the portal.",
    )
    entrepreneur_user_id = fields.Many2one(
        "res.users",
        string="Portal user",
        compute="_compute_entrepreneur_user_id",
        help="The login of the lead entrepreneur, if they have one.",
    )
    advisor_id = fields.Many2one(
        "res.users",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
    )
    stage = fields.Selection(
        STAGES,
        required=True,
        default="candidate",
        tracking=True,
        index=True,
        group_expand="_group_expand_stage",
    )
    stage_date = fields.Date(
        string="Stage since",
        required=True,
        default=lambda self: self.env.company._cae_today(),
        tracking=True,
        help="The day the current stage began.",
    )
    stage_history_ids = fields.One2many(
        "cae.activity.stage.history", "activity_id", string="Stage history"
    )
    sector = fields.Char(tracking=True)
    description = fields.Html()
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic account",
        check_company=True,
        ondelete="restrict",
        copy=False,
        tracking=True,
        help="One analytic account per activity is a legal requirement; one is "
        "created when none is given.",
    )
    contribution_rate = fields.Float(
        string="Contribution rate (%)",
        digits=(5, 2),
        default=10.0,
        tracking=True,
        help="Share of the activity's margin paid to the cooperative.",
    )
    vehicle_type = fields.Selection(
        [("car", "Car"), ("motorcycle", "Motorcycle"), ("moped", "Moped")],
        tracking=True,
        help="Vehicle used for the activity's trips, for mileage allowances.",
    )
    vehicle_fiscal_power = fields.Integer(string="Fiscal power (CV)", tracking=True)
    vehicle_electric = fields.Boolean(string="Fully electric", tracking=True)
    has_vehicle = fields.Boolean(
        compute="_compute_has_vehicle", store=True, precompute=True
    )
    document_ids = fields.One2many(
        "cae.activity.document", "activity_id", string="Documents"
    )
    document_count = fields.Integer(compute="_compute_document_stats")
    document_alert_count = fields.Integer(
        string="Documents needing attention",
        compute="_compute_document_stats",
        help="Documents expired, expiring within 30 days or without a file.",
    )
    accompaniment_ids = fields.One2many(
        "cae.accompaniment", "activity_id", string="Accompaniment log"
    )
    interview_count_12m = fields.Integer(
        string="Interviews in the last 12 months",
        compute="_compute_interview_count_12m",
        search="_search_interview_count_12m",
        help="Individual accompaniment interviews done over the last twelve months.",
    )
    interview_missing = fields.Boolean(
        string="Fewer than two interviews",
        compute="_compute_interview_count_12m",
        search="_search_interview_missing",
        help="Under contract and fewer than two individual interviews over the last "
        "twelve months (décret 2015-1363).",
    )
    deadline_late_count = fields.Integer(
        string="Late deadlines", compute="_compute_deadline_late_count"
    )
    color = fields.Integer()

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("entrepreneur_id", "co_entrepreneur_ids")
    def _compute_member_partner_ids(self):
        for activity in self:
            activity.member_partner_ids = (
                activity.entrepreneur_id | activity.co_entrepreneur_ids
            )

    @api.model
    def _cae_member_domain(self, partner, path=""):
        """The one definition of "runs this activity" (lead or co-entrepreneur),
        for searches on this model (``path=""``) or on a model linked to it
        (``path="activity_id."``). The portal record rules spell out the same
        domain; a test holds them to it.

        The person's own contact, never their company contact: colleagues under
        the same company contact each run their own activity and see nothing of
        the others'."""
        return [(f"{path}member_partner_ids", "in", partner.ids)]

    def _cae_is_member(self, user):
        """Whether ``user`` runs every one of these activities: the same test as
        the portal record rules, for the entrepreneur's actions that write as
        superuser after it. No activity at all is nobody's."""
        if not self:
            return False
        activities = self.sudo().with_context(active_test=False)
        domain = [("id", "in", self.ids), *self._cae_member_domain(user.partner_id)]
        return activities.search_count(domain) == len(set(self.ids))

    def _cae_check_open_for_expenses(self):
        """Like documents: once the entrepreneur has left (the activity archived),
        they claim nothing more; the support team settles what remains."""
        if self.filtered(lambda activity: not activity.active):
            raise UserError(
                self.env._(
                    "This activity is closed: ask your support team for the "
                    "expenses that remain."
                )
            )

    @api.depends("entrepreneur_id.user_ids")
    def _compute_entrepreneur_user_id(self):
        for activity in self:
            activity.entrepreneur_user_id = activity.entrepreneur_id.user_ids[:1]

    @api.depends("vehicle_type", "vehicle_fiscal_power")
    def _compute_has_vehicle(self):
        for activity in self:
            activity.has_vehicle = bool(activity.vehicle_type)

    @api.depends("document_ids.status")
    def _compute_document_stats(self):
        counts = {
            (activity.id, status): count
            for activity, status, count in self.env[
                "cae.activity.document"
            ]._read_group(
                [("activity_id", "in", self.ids)],
                ["activity_id", "status"],
                ["__count"],
            )
        }
        for activity in self:
            by_status = {
                status: counts.get((activity.id, status), 0)
                for status in ("valid", "expiring", "expired", "missing")
            }
            activity.document_count = sum(by_status.values())
            activity.document_alert_count = (
                by_status["expiring"] + by_status["expired"] + by_status["missing"]
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

    def _interview_window_start(self):
        return self.env.company._cae_today() - relativedelta(months=12)

    def _interview_counts(self, activity_ids=None):
        """Done individual interviews per activity over the last twelve months.

        Counted as superuser: the number is shown on the activity to everyone who
        may read it (the accountant too, in the lists they open), while the log
        itself (summaries, internal notes) stays the advisors'."""
        domain = [
            ("kind", "=", "interview"),
            ("state", "=", "done"),
            ("date", ">", self._interview_window_start()),
        ]
        if activity_ids is not None:
            domain.append(("activity_id", "in", activity_ids))
        return {
            activity.id: count
            for activity, count in self.env["cae.accompaniment"]
            .sudo()
            ._read_group(domain, ["activity_id"], ["__count"])
        }

    @api.depends("accompaniment_ids.state", "accompaniment_ids.date", "stage")
    def _compute_interview_count_12m(self):
        counts = self._interview_counts(self.ids)
        for activity in self:
            activity.interview_count_12m = counts.get(activity.id, 0)
            activity.interview_missing = (
                activity.stage in CONTRACT_STAGES
                and activity.interview_count_12m < MIN_INTERVIEWS_PER_YEAR
            )

    def _search_interview_count_12m(self, operator, value):
        if operator not in OPERATORS or not isinstance(value, int):
            raise ValidationError(
                self.env._("Unsupported search on the number of interviews.")
            )
        compare = OPERATORS[operator]
        counts = self._interview_counts()
        if compare(0, value):
            # Activities without any interview match too: exclude the others.
            return [
                (
                    "id",
                    "not in",
                    [a for a, c in counts.items() if not compare(c, value)],
                )
            ]
        return [("id", "in", [a for a, c in counts.items() if compare(c, value)])]

    def _search_interview_missing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(
                self.env._("Unsupported search on missing interviews.")
            )
        missing = [
            ("stage", "in", CONTRACT_STAGES),
            ("interview_count_12m", "<", MIN_INTERVIEWS_PER_YEAR),
        ]
        if (operator == "=") == value:
            return missing
        return ["!", "&", *missing]

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for activity in self:
            activity.access_url = f"/my/activities/{activity.id}"

    @api.model
    def _group_expand_stage(self, stages, domain):
        return [key for key, _label in STAGES]

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------
    _sql_constraints = [
        (
            "analytic_account_unique",
            "UNIQUE(analytic_account_id)",
            "Each activity has an analytic account of its own: its books and its "
            "entrepreneur's figures are read from it.",
        ),
    ]

    @api.constrains("contribution_rate")
    def _check_contribution_rate(self):
        for activity in self:
            if not 0 <= activity.contribution_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The contribution rate of %(activity)s must be between 0 and "
                        "100 %%.",
                        activity=activity.name,
                    )
                )

    @api.constrains("vehicle_type", "vehicle_fiscal_power")
    def _check_vehicle(self):
        for activity in self:
            if activity.vehicle_type and activity.vehicle_fiscal_power <= 0:
                raise ValidationError(
                    self.env._(
                        "Enter the vehicle's fiscal power (in CV, on the registration "
                        "certificate, box P.6) for %(activity)s.",
                        activity=activity.name,
                    )
                )

    @api.constrains("stage_date", "stage")
    def _check_stage_date(self):
        for activity in self:
            history = activity.stage_history_ids.sorted(lambda h: (h.date_start, h.id))
            # While the date of the current stage is corrected, its own line is last.
            if history and history[-1].stage == activity.stage:
                history = history[:-1]
            previous = history[-1:]
            if previous and activity.stage_date < previous.date_start:
                raise ValidationError(
                    self.env._(
                        "The stage “%(stage)s” of %(activity)s cannot start on "
                        "%(date)s, before the previous stage (“%(previous)s”, "
                        "since %(previous_date)s).",
                        stage=activity._stage_label(activity.stage),
                        activity=activity.name,
                        date=activity.stage_date,
                        previous=activity._stage_label(previous.stage),
                        previous_date=previous.date_start,
                    )
                )

    def _stage_label(self, stage):
        return dict(self._fields["stage"]._description_selection(self.env))[stage]

    @api.onchange("stage")
    def _onchange_stage(self):
        self.stage_date = (self.company_id or self.env.company)._cae_today()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            check_protected_fields(self, vals)
            if vals.get("reference", "/") == "/":
                vals["reference"] = sequence.next_by_code("cae.activity") or "/"
            # The portal token is made now: the pages that show the activity are
            # read-only routes (a replica may serve them), which cannot write it.
            vals["access_token"] = str(uuid.uuid4())
        activities = super().create(vals_list)
        activities.filtered(
            lambda a: not a.analytic_account_id
        )._create_analytic_accounts()
        activities._record_stage_history()
        activities.flush_recordset(["member_partner_ids"])
        activities.member_partner_ids._cae_ensure_calendar_token()
        return activities

    def write(self, vals):
        check_protected_fields(self, vals)
        self._check_analytic_account_change(vals)
        changed = self.browse()
        if "stage" in vals:
            changed = self.filtered(lambda a: a.stage != vals["stage"])
        unchanged = self - changed
        result = True
        if unchanged:
            result = super(CaeActivity, unchanged).write(vals)
            if "stage_date" in vals:
                unchanged._correct_current_stage_date()
        # A new stage starts on the CAE's today unless the user says when it started.
        for company, activities in changed.grouped("company_id").items():
            changed_vals = {"stage_date": company._cae_today(), **vals}
            result = super(CaeActivity, activities).write(changed_vals) and result
            activities._record_stage_history()
        if {"entrepreneur_id", "co_entrepreneur_ids"} & vals.keys():
            # Portal record rules test the members through a many2many that Odoo's
            # search does not flush by itself.
            self.flush_recordset(["member_partner_ids"])
            self.member_partner_ids._cae_ensure_calendar_token()
        return result

    def _check_analytic_account_change(self, vals):
        """An activity's books are its analytic account's: pointed at another
        activity's account, its entrepreneur would read the other's figures. The
        account is given once (or made at creation); only a manager changes it."""
        if "analytic_account_id" not in vals or self.env.su:
            return
        if self.env.user.has_group("gestions_radieuses.group_manager"):
            return
        if any(
            activity.analytic_account_id
            and activity.analytic_account_id.id != vals["analytic_account_id"]
            for activity in self
        ):
            raise UserError(
                self.env._(
                    "Only a CAE manager can change the analytic account of an "
                    "activity: its books and its entrepreneur's figures follow it."
                )
            )

    def _cae_deadline_activities(self):
        # Archived ones too: their to-do deadlines are cancelled.
        return self.with_context(active_test=False)

    def _cae_deadline_rules(self):
        # Every rule: its filter reads the activity.
        return self.env["cae.deadline.rule"].sudo().search([("active", "=", True)])

    def _correct_current_stage_date(self):
        """Correcting the date of the current stage corrects its history line."""
        for activity in self:
            current = activity.stage_history_ids.sorted(lambda h: (h.date_start, h.id))[
                -1:
            ]
            if current.stage == activity.stage:
                current.sudo().date_start = activity.stage_date

    def _record_stage_history(self):
        self.env["cae.activity.stage.history"].sudo().create(
            [
                {
                    "activity_id": activity.id,
                    "stage": activity.stage,
                    "date_start": activity.stage_date,
                }
                for activity in self
            ]
        )

    def _create_analytic_accounts(self):
        accounts = (
            self.env["account.analytic.account"]
            .sudo()
            .create(
                [
                    {
                        "name": activity.name,
                        "code": activity.reference,
                        "company_id": activity.company_id.id,
                        "plan_id": (
                            activity.company_id.cae_analytic_plan_id
                            or self.env["res.company"]._cae_default_analytic_plan()
                        ).id,
                    }
                    for activity in self
                ]
            )
        )
        for activity, account in zip(self, accounts, strict=True):
            activity.analytic_account_id = account

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "gestions_radieuses.cae_activity_document_action"
        )
        action["domain"] = [("activity_id", "=", self.id)]
        action["context"] = {"default_activity_id": self.id}
        return action

    def action_view_accompaniments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "gestions_radieuses.cae_accompaniment_action"
        )
        action["domain"] = [("activity_id", "=", self.id)]
        action["context"] = {"default_activity_id": self.id}
        return action

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

    def action_grant_portal_access(self):
        """Open Odoo's portal wizard for the entrepreneurs of these activities."""
        partners = self.member_partner_ids
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "portal.partner_wizard_action"
        )
        action["context"] = {
            "active_ids": partners.ids,
            "active_model": "res.partner",
        }
        return action
