from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from ..tools.protected_fields import check_protected_fields

CATEGORIES = [
    ("expenses", "Expenses and invoices"),
    ("pay", "Pay"),
    ("accompaniment", "Accompaniment"),
    ("documents", "Insurance and documents"),
    ("closing", "Annual closing"),
    ("cooperative", "Cooperative life"),
    ("independent", "Tax and social (independents)"),
]
# Calendar colour of each category (Odoo's colour palette indexes).
CATEGORY_COLORS = {key: index for index, (key, _label) in enumerate(CATEGORIES, 1)}

PERIODIC = ("monthly", "quarterly", "yearly")
# Rules whose single deadline depends on a record that changes (document, interview).
RELATIVE = ("document_expiry", "interview")

# Fields whose change may create, move or cancel deadlines.
GENERATION_FIELDS = {
    "active",
    "recurrence",
    "day",
    "month",
    "months_after",
    "day_type",
    "short_month",
    "shift_working_day",
    "offset_days",
    "date_once",
    "reminder_days",
    "document_type_id",
    "scope",
    "activity_domain",
    "company_id",
}


class CaeDeadlineRule(models.Model):
    _name = "cae.deadline.rule"
    _description = "Deadline rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        translate=True,
        help="What is due, in a few words: it names each deadline, followed by its "
        "period.",
    )
    explanation = fields.Html(
        translate=True,
        sanitize=True,
        help="What to do, why, and how, in plain words: shown to whoever acts.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    category = fields.Selection(CATEGORIES, required=True, default="expenses")
    actor = fields.Selection(
        [("entrepreneur", "Entrepreneur"), ("staff", "Support team")],
        string="Who acts",
        required=True,
        default="entrepreneur",
        help="Entrepreneurs mark their own deadlines done on the portal; the support "
        "team's deadlines are only shown to them for information.",
    )
    recurrence = fields.Selection(
        [
            ("monthly", "Every month"),
            ("quarterly", "Every quarter"),
            ("yearly", "Every year"),
            ("once", "Once"),
            ("document_expiry", "Before a document expires"),
            ("interview", "After the last interview"),
        ],
        required=True,
        default="monthly",
    )
    day = fields.Integer(
        help="Day of the month the deadline falls on (1 to 31), or the rank of the "
        "working day if days are counted in working days.",
    )
    month = fields.Integer(default=1, help="For a yearly rule: the month (1 to 12).")
    months_after = fields.Integer(
        string="Months after",
        help="Monthly, quarterly, yearly: how many months after the start of the "
        "period (or after the month above) the deadline falls; 1 for “the 5th of "
        "the following month”. After an interview: months after the last one.",
    )
    day_type = fields.Selection(
        [("calendar", "Calendar day"), ("working", "Working day")],
        string="Count the day in",
        required=True,
        default="calendar",
    )
    short_month = fields.Selection(
        [
            ("last_day", "Last day of the month"),
            ("next_month", "First day of the next month"),
        ],
        string="When the month is too short",
        required=True,
        default="last_day",
        help="For a day like the 31st in a 30-day month or in February.",
    )
    shift_working_day = fields.Boolean(
        string="Move to the next working day",
        help="A deadline on a Saturday, Sunday or public holiday moves to the next "
        "working day.",
    )
    offset_days = fields.Integer(
        string="Offset (days)",
        help="Days added to the computed date (negative: before). For a document, "
        "-30 means 30 days before it expires.",
    )
    date_once = fields.Date(string="Date", help="For a rule that happens once.")
    document_type_id = fields.Many2one(
        "cae.document.type",
        string="Document type",
        help="The document whose expiry this rule watches, or whose upload closes "
        "its deadlines.",
    )
    reminder_days = fields.Integer(
        string="Reminder (days before)",
        default=7,
        help="The deadline appears in the digest e-mail this many days before it is "
        "due.",
    )
    scope = fields.Selection(
        [("activity", "Each matching activity"), ("company", "The whole CAE")],
        string="Applies to",
        required=True,
        default="activity",
        help="The whole CAE: one deadline per period, for the support team.",
    )
    activity_domain = fields.Char(
        string="Activities",
        default="[]",
        help="Which activities get these deadlines: stage, sector, vehicle…",
    )
    closing_event = fields.Selection(
        [
            ("none", "Marked done by hand"),
            ("document_uploaded", "A valid document is sent"),
            ("interview_done", "An interview is done"),
            ("expense_report_submitted", "The expense report is submitted"),
        ],
        string="Done when",
        required=True,
        default="none",
    )
    deadline_ids = fields.One2many("cae.deadline", "rule_id", string="Deadlines")
    deadline_count = fields.Integer(compute="_compute_deadline_count")

    def _compute_deadline_count(self):
        counts = dict(
            self.env["cae.deadline"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.deadline_count = counts.get(rule, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains(
        "recurrence", "day", "month", "date_once", "document_type_id", "closing_event"
    )
    def _check_recurrence(self):
        for rule in self:
            if rule.day and not 1 <= rule.day <= 31:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: the day must be between 1 and 31.",
                        rule=rule.name,
                    )
                )
            if rule.recurrence in PERIODIC and not rule.day:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: say on which day of the month it falls "
                        "(1 to 31).",
                        rule=rule.name,
                    )
                )
            if rule.recurrence == "yearly" and not 1 <= (rule.month or 0) <= 12:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: say in which month (1 to 12) it falls.",
                        rule=rule.name,
                    )
                )
            if rule.recurrence == "once" and not rule.date_once:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: enter the date it happens.", rule=rule.name
                    )
                )
            if rule.recurrence == "document_expiry" and not rule.document_type_id:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: choose the document whose expiry it watches.",
                        rule=rule.name,
                    )
                )
            if rule.closing_event == "document_uploaded" and not rule.document_type_id:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: choose the document whose upload marks "
                        "it done.",
                        rule=rule.name,
                    )
                )
            if rule.recurrence in RELATIVE and rule.scope == "company":
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: a rule about documents or interviews "
                        "applies to each activity, not to the whole CAE.",
                        rule=rule.name,
                    )
                )

    @api.constrains("activity_domain")
    def _check_activity_domain(self):
        for rule in self:
            try:
                rule._get_activity_domain()
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: the activity filter is not valid (%(error)s)."
                        " Edit it with the filter editor.",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    def _get_activity_domain(self):
        """The rule's domain on activities, checked: raises ValueError if invalid."""
        self.ensure_one()
        domain = safe_eval(self.activity_domain or "[]")
        if not isinstance(domain, list | tuple):
            raise ValueError(self.env._("a filter is a list of conditions"))
        # Compiling the query checks every field and operator against activities.
        self.env["cae.activity"].sudo()._search(list(domain))
        return list(domain)

    # ------------------------------------------------------------------
    # CRUD: deadlines follow the rules
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules.filtered("active")._generate_deadlines()
        return rules

    def write(self, vals):
        check_protected_fields(self, vals)
        result = super().write(vals)
        if GENERATION_FIELDS & set(vals):
            self._generate_deadlines()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done_deadlines(self):
        done = (
            self.env["cae.deadline"]
            .sudo()
            .search_count(
                [("rule_id", "in", self.ids), ("state", "=", "done")], limit=1
            )
        )
        if done:
            raise UserError(
                self.env._(
                    "Some deadlines of this rule are done: they are part of the "
                    "history. Archive the rule instead of deleting it."
                )
            )
        self.env["cae.deadline"].sudo().search([("rule_id", "in", self.ids)]).unlink()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _generate_deadlines(self, activities=None, today=None):
        return self.env["cae.deadline"]._generate(
            rules=self, activities=activities, today=today
        )

    def action_generate_deadlines(self):
        """Button: bring the deadlines of these rules (all if none) up to date."""
        self.env["cae.deadline"].check_access("create")
        rules = self or self.search([("active", "=", True)])
        counts = rules.sudo()._generate_deadlines()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Deadlines up to date: %(created)s created, %(moved)s moved, "
                    "%(cancelled)s cancelled.",
                    **counts,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_deadlines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "gestions_radieuses.cae_deadline_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {}
        return action
