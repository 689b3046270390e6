"""A deadline of the administrative calendar: what is due, for which period, its
state and who may change it, and the events of the module that close it.

Its other concerns have their own files: generation from the rules
(cae_deadline_generation.py), the digest e-mails (cae_deadline_digest.py), the
iCalendar feed (cae_deadline_feed.py); the records it follows inherit
cae.deadline.source (cae_deadline_source.py).
"""

from collections import defaultdict

from babel.dates import format_date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import get_lang

from ..tools.protected_fields import check_protected_fields
from .cae_deadline_rule import CATEGORY_COLORS

# Fields a state change writes; only the action methods may change them.
STATE_FIELDS = {"state", "done_date", "done_by_id"}
# Fields the generator owns: which rule, activity, company and period a deadline is.
GENERATED_FIELDS = {
    "rule_id",
    "activity_id",
    "company_id",
    "period_start",
    "period_end",
}
# Who reads a deadline's note: the support team, never the entrepreneur.
STAFF_GROUPS = "gestions_radieuses.group_advisor,gestions_radieuses.group_accountant"


class CaeDeadline(models.Model):
    _name = "cae.deadline"
    _description = "Deadline"
    _order = "due_date, id"
    _check_company_auto = True
    _rec_names_search = ["rule_id.name", "activity_id.name"]

    rule_id = fields.Many2one(
        "cae.deadline.rule",
        required=True,
        index=True,
        # Rules are archived, not deleted: their done deadlines are history.
        ondelete="restrict",
        check_company=True,
    )
    activity_id = fields.Many2one(
        "cae.activity",
        index=True,
        ondelete="cascade",
        check_company=True,
        help="Empty for a deadline of the whole CAE.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    entrepreneur_id = fields.Many2one(
        related="activity_id.entrepreneur_id", store=True, index=True, readonly=True
    )
    advisor_id = fields.Many2one(
        related="activity_id.advisor_id", store=True, readonly=True
    )
    category = fields.Selection(related="rule_id.category", store=True, readonly=True)
    actor = fields.Selection(related="rule_id.actor", store=True, readonly=True)
    explanation = fields.Html(related="rule_id.explanation")
    # Deadlines waiting for an event of the module close by themselves: the
    # portal says so instead of offering "It's done".
    closing_event = fields.Selection(related="rule_id.closing_event")
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    due_date = fields.Date(required=True, index=True)
    reminder_date = fields.Date(
        required=True, help="From this day on, the deadline is in the digest e-mail."
    )
    state = fields.Selection(
        [("todo", "To do"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="todo",
        index=True,
        readonly=True,
    )
    is_late = fields.Boolean(
        string="Late", compute="_compute_is_late", search="_search_is_late"
    )
    done_date = fields.Date(readonly=True)
    done_by_id = fields.Many2one("res.users", string="Done by", readonly=True)
    note = fields.Text(
        groups=STAFF_GROUPS,
        help="For the support team only: never shown on the portal.",
    )
    color = fields.Integer(compute="_compute_color")

    def init(self):
        # One deadline per rule, activity (none for the whole CAE) and period. The
        # generator inserts with ON CONFLICT DO NOTHING against this very index.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS cae_deadline_rule_activity_period_uniq
            ON cae_deadline (rule_id, COALESCE(activity_id, 0), period_start)
            """
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("rule_id.name", "period_start", "period_end", "activity_id.name")
    @api.depends_context("lang", "cae_deadline_show_activity")
    def _compute_display_name(self):
        locale = get_lang(self.env).code
        # The support team's views say whose deadline it is.
        show_activity = self.env.context.get("cae_deadline_show_activity")
        for deadline in self:
            label = deadline._label(locale)
            if show_activity and deadline.activity_id:
                label = f"{label} · {deadline.activity_id.sudo().name}"
            deadline.display_name = label

    def _label(self, locale):
        """“Expense report — March 2027”: what is due and for which period."""
        rule = self.rule_id.sudo()
        if not self.period_start:
            return rule.name or ""
        if rule.recurrence == "monthly":
            period = format_date(self.period_start, "LLLL yyyy", locale=locale)
        elif rule.recurrence == "quarterly":
            period = format_date(self.period_start, "QQQ yyyy", locale=locale)
        elif rule.recurrence == "yearly":
            period = format_date(self.period_start, "yyyy", locale=locale)
        else:
            return rule.name or ""
        return f"{rule.name} — {period}"

    @api.depends("state", "due_date", "company_id.cae_tz")
    def _compute_is_late(self):
        todays = {}
        for deadline in self:
            company = deadline.company_id
            if company not in todays:
                todays[company] = company._cae_today()
            deadline.is_late = (
                deadline.state == "todo"
                and bool(deadline.due_date)
                and deadline.due_date < todays[company]
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on late deadlines."))
        # Late in each company's own day: one condition per distinct today.
        Company = self.env["res.company"].sudo()
        by_today = defaultdict(list)
        for _tz, company_ids in Company._read_group([], ["cae_tz"], ["id:array_agg"]):
            by_today[Company.browse(company_ids[0])._cae_today()] += company_ids
        late = []
        for today, company_ids in by_today.items():
            condition = [
                "&",
                ("company_id", "in", company_ids),
                ("due_date", "<", today),
            ]
            late = ["|", *late, *condition] if late else condition
        late = ["&", ("state", "=", "todo"), *late]
        return late if (operator == "=") == value else ["!", *late]

    @api.depends("category")
    def _compute_color(self):
        for deadline in self:
            deadline.color = CATEGORY_COLORS.get(deadline.category, 0)

    def _today(self):
        """The CAE's day, from the clock (tests move it with freeze_time)."""
        return (self.company_id[:1] or self.env.company)._cae_today()

    # ------------------------------------------------------------------
    # State changes
    # ------------------------------------------------------------------
    # Only the superuser writes states and what the generator owns: the action
    # methods below check who calls, then write with sudo(). No context key opens
    # this door (any JSON-RPC caller sets any context).
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, STATE_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        if STATE_FIELDS & set(vals) and not self.env.su:
            raise UserError(
                self.env._("Use the Done, Cancel or Reopen buttons on a deadline.")
            )
        check_protected_fields(self, vals, GENERATED_FIELDS)
        return super().write(vals)

    def _check_state(self, allowed_from):
        wrong = self.filtered(lambda d: d.state not in allowed_from)
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "“%(deadline)s” is %(state)s: this change is not possible.",
                    deadline=wrong[0].sudo().display_name,
                    state=states[wrong[0].state].lower(),
                )
            )

    def _is_support_team(self):
        """Whether the user is an advisor or an accountant (an internal user): the
        support team who handle deadlines in the back office."""
        user = self.env.user
        return not user.share and (
            user.has_group("gestions_radieuses.group_advisor")
            or user.has_group("gestions_radieuses.group_accountant")
        )

    def _check_can_mark_done(self):
        """Who marks a deadline done: the entrepreneurs of the activity for their
        own deadlines (actor "entrepreneur"), the support team for theirs (actor
        "support team"). A CAE manager may also mark an entrepreneur's deadline
        done, for an entrepreneur without portal access; advisors and accountants
        may not (they cancel a deadline that does not apply). Events of the module
        (a document sent, an interview done, a report submitted) close deadlines
        as superuser."""
        if self.env.su:
            return
        # Record rules: an entrepreneur reads only their activities' deadlines.
        self.check_access("read")
        user = self.env.user
        if user.share:
            for deadline in self.sudo():
                if deadline.actor != "entrepreneur":
                    raise AccessError(
                        self.env._(
                            "“%(deadline)s” is handled by your support team: they "
                            "mark it done.",
                            deadline=deadline.display_name,
                        )
                    )
                if not deadline.activity_id._cae_is_member(user):
                    raise AccessError(
                        self.env._(
                            "You can only mark done the deadlines of your own "
                            "activities."
                        )
                    )
            return
        if not self._is_support_team():
            raise AccessError(
                self.env._("Only the support team can change a deadline.")
            )
        self.check_access("write")
        if not user.has_group("gestions_radieuses.group_manager"):
            theirs = self.sudo().filtered(lambda d: d.actor == "entrepreneur")
            if theirs:
                raise AccessError(
                    self.env._(
                        "“%(deadline)s” is for the entrepreneur to mark done on "
                        "their portal. Cancel it if it does not apply.",
                        deadline=theirs[0].display_name,
                    )
                )

    def _check_support_team(self):
        """Only the support team (and the superuser) may cancel or reopen."""
        if self.env.su:
            return
        if not self._is_support_team():
            raise AccessError(
                self.env._("Only the support team can cancel or reopen a deadline.")
            )
        self.check_access("write")

    def action_done(self):
        self._check_can_mark_done()
        self._check_state(("todo",))
        user = self.env.user
        for company, deadlines in self.sudo().grouped("company_id").items():
            deadlines.write(
                {
                    "state": "done",
                    "done_date": company._cae_today(),
                    "done_by_id": user.id,
                }
            )
        return True

    def action_cancel(self):
        self._check_support_team()
        self._check_state(("todo",))
        return self.sudo().write({"state": "cancelled"})

    def action_reopen(self):
        self._check_support_team()
        self._check_state(("done", "cancelled"))
        return self.sudo().write(
            {"state": "todo", "done_date": False, "done_by_id": False}
        )

    @api.model
    def _close_by_event(self, event, activities, day):
        """An event of the module happened: mark done what it satisfies.

        Closes the to-do deadlines of active rules waiting for ``event`` on these
        activities whose period contains ``day``; for a rule counted from the last
        interview, any to-do deadline whose period started on or before ``day``.
        """
        if not activities:
            return self.browse()
        deadlines = self.sudo().search(
            [
                ("state", "=", "todo"),
                ("activity_id", "in", activities.ids),
                ("rule_id.active", "=", True),
                ("rule_id.closing_event", "=", event),
                ("period_start", "<=", day),
                "|",
                ("period_end", ">=", day),
                ("rule_id.recurrence", "=", "interview"),
            ]
        )
        deadlines.action_done()
        return deadlines

    def _close_by_documents(self, documents):
        """Valid documents arrived: close the deadlines they satisfy.

        For a rule watching a document's expiry: the to-do deadlines about an expiry
        earlier than the new document's (any, if it never expires). For another
        rule: the to-do deadlines whose period contains today.
        """
        domains = []
        for document in documents:
            today = document.company_id._cae_today()
            if document.status not in ("valid", "expiring"):
                continue
            common = [
                ("state", "=", "todo"),
                ("activity_id", "=", document.activity_id.id),
                ("rule_id.active", "=", True),
                ("rule_id.closing_event", "=", "document_uploaded"),
                ("rule_id.document_type_id", "=", document.type_id.id),
            ]
            expiry = [("rule_id.recurrence", "=", "document_expiry")]
            if document.date_until:
                expiry.append(("period_end", "<", document.date_until))
            other = [
                ("rule_id.recurrence", "!=", "document_expiry"),
                ("period_start", "<=", today),
                ("period_end", ">=", today),
            ]
            domains.append(["&", *common, "|", "&", *expiry, "&", *other])
        if not domains:
            return self.browse()
        domain = domains[0]
        for extra in domains[1:]:
            domain = ["|", *domain, *extra]
        deadlines = self.sudo().search(domain)
        deadlines.action_done()
        return deadlines
