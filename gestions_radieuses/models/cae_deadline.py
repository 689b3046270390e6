import logging
from collections import defaultdict
from datetime import timedelta

from babel.dates import format_date

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every
from odoo.tools.misc import get_lang

from ..tools.protected_fields import check_protected_fields
from .cae_deadline_rule import CATEGORY_COLORS, RELATIVE

_logger = logging.getLogger(__name__)

# Rows inserted per INSERT statement when generating.
INSERT_BATCH = 5000
# Activities whose deadlines are computed and written together when the whole
# network is generated: memory stays flat whatever the number of activities.
SYNC_CHUNK = 250
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
# Days between two digests, per frequency.
DIGEST_DAYS = {"daily": 1, "weekly": 7}


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

    def _is_staff(self):
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
        if not self._is_staff():
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

    def _check_staff(self):
        if self.env.su:
            return
        if not self._is_staff():
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
        self._check_staff()
        self._check_state(("todo",))
        return self.sudo().write({"state": "cancelled"})

    def action_reopen(self):
        self._check_staff()
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

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------
    @api.model
    def _cron_generate(self):
        rules = self.env["cae.deadline.rule"].sudo().search([("active", "=", True)])
        counts = self._generate(rules=rules)
        _logger.info("CAE deadlines generated: %s", counts)

    @api.model
    def _generate(self, rules=None, activities=None, today=None):
        """Make the deadlines of ``rules`` (all active ones if None) match them.

        Every deadline due from ``today`` to the company's horizon exists once;
        deadlines relative to a document or to the last interview exist even if
        already late. To-do deadlines that no longer match are moved or cancelled,
        done ones are never touched. With ``activities``, only those are considered.

        Concurrency: rows are written with INSERT ... ON CONFLICT DO NOTHING against
        the unique index on (rule, activity, period), so the database itself refuses
        a duplicate, whatever runs at the same moment. A second worker inserting the
        same row waits for the first one's transaction; under Odoo's REPEATABLE READ
        isolation it then fails with a serialization error, which Odoo retries for
        an HTTP request (the cron simply runs again the next day) and the retry sees
        the rows and skips them. This was preferred to a savepoint-and-retry loop:
        one statement per batch, no per-row exception handling, and no window in
        which a duplicate could exist. Queries: a few per rule (and, for the whole
        network, per chunk of SYNC_CHUNK activities), none per activity.
        """
        Rule = self.env["cae.deadline.rule"].sudo()
        if rules is None:
            rules = Rule.search([("active", "=", True)])
        rules = rules.sudo().with_context(active_test=False)
        if activities is not None:
            activities = activities.sudo()
            if not activities:
                return {"created": 0, "moved": 0, "cancelled": 0}
        return self.sudo()._sync(rules, activities, today or self._today())

    def _sync(self, rules, activities, today):
        self.env.flush_all()
        if activities is not None:
            return self._sync_chunk(rules, activities, today)
        # The whole network: deadlines of the whole CAE (no activity) first, then
        # every activity, archived ones too (their to-do deadlines are cancelled),
        # a chunk at a time, so that memory does not grow with the network.
        totals = self._sync_chunk(rules, None, today)
        self.env.cr.execute(SQL("SELECT id FROM cae_activity ORDER BY id"))
        activity_ids = [row[0] for row in self.env.cr.fetchall()]
        Activity = self.env["cae.activity"].with_context(active_test=False)
        for ids in split_every(SYNC_CHUNK, activity_ids):
            counts = self._sync_chunk(rules, Activity.browse(ids), today)
            for key, value in counts.items():
                totals[key] += value
            self.env.invalidate_all()
        return totals

    def _sync_chunk(self, rules, activities, today):
        """Sync the deadlines of these activities, or with ``activities=None``
        those of the whole CAE (without activity)."""
        expected = {}
        for rule in rules:
            if rule.active and (activities is not None or rule.scope == "company"):
                expected.update(rule._expected_deadlines(activities, today))
        existing = self._existing_open_deadlines(rules, activities, today)
        relative_rule_ids = set(rules.filtered(lambda r: r.recurrence in RELATIVE).ids)

        to_insert, to_update, to_cancel = [], [], []
        for key, values in expected.items():
            current = existing.pop(key, None)
            if current is None:
                to_insert.append(values)
            elif current["state"] == "todo":
                if (current["due_date"], current["reminder_date"]) != (
                    values["due_date"],
                    values["reminder_date"],
                ):
                    to_update.append((current["id"], values))
            # Cancelled, and expected again: back to do (not if long past).
            elif current["state"] == "cancelled" and (
                values["due_date"] >= today or key[0] in relative_rule_ids
            ):
                to_update.append((current["id"], values))
        for key, current in existing.items():
            if current["state"] == "todo" and (
                current["due_date"] >= today or key[0] in relative_rule_ids
            ):
                to_cancel.append(current["id"])

        created = self._insert_deadlines(to_insert)
        self._update_deadlines(to_update)
        if to_cancel:
            self.env.cr.execute(
                SQL(
                    "UPDATE cae_deadline SET state = 'cancelled', write_uid = %s, "
                    "write_date = (now() at time zone 'UTC') WHERE id = ANY(%s)",
                    self.env.uid,
                    to_cancel,
                )
            )
        self.invalidate_model()
        return {
            "created": created,
            "moved": len(to_update),
            "cancelled": len(to_cancel),
        }

    def _existing_open_deadlines(self, rules, activities, today):
        """Not-done deadlines of these rules and activities (with ``activities=None``:
        those without activity), by unique key; done ones too from ``today`` on, so
        that an expected deadline already done is not inserted again (a no-op INSERT
        whose query count would depend on the day of the month)."""
        if not rules:
            return {}
        query = SQL(
            """
            SELECT id, rule_id, COALESCE(activity_id, 0), period_start, due_date,
                   reminder_date, state
              FROM cae_deadline
             WHERE rule_id = ANY(%s) AND (state != 'done' OR due_date >= %s) %s
            """,
            rules.ids,
            today,
            SQL("AND activity_id = ANY(%s)", activities.ids)
            if activities is not None
            else SQL("AND activity_id IS NULL"),
        )
        self.env.cr.execute(query)
        return {
            (rule_id, activity_id, period_start): {
                "id": deadline_id,
                "due_date": due_date,
                "reminder_date": reminder_date,
                "state": state,
            }
            for (
                deadline_id,
                rule_id,
                activity_id,
                period_start,
                due_date,
                reminder_date,
                state,
            ) in self.env.cr.fetchall()
        }

    def _insert_deadlines(self, rows):
        """Insert the rows, one statement per batch: the values travel as one array
        per column (no SQL text per row), PostgreSQL unnests them."""
        created = 0
        columns = (
            ("rule_id", "int4"),
            ("activity_id", "int4"),
            ("company_id", "int4"),
            ("entrepreneur_id", "int4"),
            ("advisor_id", "int4"),
            ("category", "varchar"),
            ("actor", "varchar"),
            ("period_start", "date"),
            ("period_end", "date"),
            ("due_date", "date"),
            ("reminder_date", "date"),
        )
        names = SQL(", ").join(SQL.identifier(name) for name, _type in columns)
        for batch in split_every(INSERT_BATCH, rows):
            arrays = SQL(", ").join(
                SQL(f"%s::{sql_type}[]", [row[name] for row in batch])
                for name, sql_type in columns
            )
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO cae_deadline (%s, state, create_uid, write_uid,
                                              create_date, write_date)
                    SELECT *, 'todo', %s, %s, now() at time zone 'UTC',
                           now() at time zone 'UTC'
                      FROM unnest(%s)
                    ON CONFLICT (rule_id, COALESCE(activity_id, 0), period_start)
                    DO NOTHING
                    """,
                    names,
                    self.env.uid,
                    self.env.uid,
                    arrays,
                )
            )
            created += self.env.cr.rowcount
        return created

    def _update_deadlines(self, updates):
        if not updates:
            return
        values = SQL(", ").join(
            SQL(
                "(%s, %s::date, %s::date)",
                deadline_id,
                row["due_date"],
                row["reminder_date"],
            )
            for deadline_id, row in updates
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE cae_deadline d
                   SET due_date = v.due_date, reminder_date = v.reminder_date,
                       state = 'todo', write_uid = %s,
                       write_date = (now() at time zone 'UTC')
                  FROM (VALUES %s) AS v(id, due_date, reminder_date)
                 WHERE d.id = v.id AND d.state != 'done'
                """,
                self.env.uid,
                values,
            )
        )

    # ------------------------------------------------------------------
    # Digest e-mails: one message per person instead of many
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_digests(self, today=None):
        today = today or self._today()
        mails = self._prepare_entrepreneur_digests(today)
        mails += self._prepare_advisor_digests(today)
        self.env["mail.mail"].sudo().create(mails)
        _logger.info("CAE deadline digests queued: %s", len(mails))

    @api.model
    def _digest_due(self, last_sent, days, today):
        return not last_sent or last_sent <= today - timedelta(days=days)

    @api.model
    def _digest_mail_values(self, partner, subject, template, values):
        env = self.with_context(lang=partner.lang or "en_US").env
        body = env["ir.qweb"]._render(template, values, minimal_qcontext=True)
        company = values["company"]
        return {
            "subject": subject,
            "body_html": body,
            "email_from": company.email_formatted or self.env.user.email_formatted,
            "recipient_ids": [Command.link(partner.id)],
            "auto_delete": True,
        }

    @api.model
    def _prepare_entrepreneur_digests(self, today):
        Deadline = self.sudo()
        # The widest window: what a weekly digest may hold.
        deadlines = Deadline.search(
            [
                ("state", "=", "todo"),
                ("activity_id.active", "=", True),
                ("reminder_date", "<", today + timedelta(days=DIGEST_DAYS["weekly"])),
            ]
        )
        ids_by_partner = defaultdict(list)
        for deadline in deadlines:
            for partner in deadline.activity_id.member_partner_ids:
                ids_by_partner[partner].append(deadline.id)
        mails = []
        sent = self.env["res.partner"]
        for partner, deadline_ids in ids_by_partner.items():
            frequency = partner.cae_digest_frequency or "weekly"
            if (
                frequency == "never"
                or not partner.email
                or not self._digest_due(
                    partner.sudo().cae_digest_last_sent, DIGEST_DAYS[frequency], today
                )
            ):
                continue
            next_digest = today + timedelta(days=DIGEST_DAYS[frequency])
            lang = partner.lang or "en_US"
            mine = Deadline.browse(deadline_ids).with_context(lang=lang)
            late = mine.filtered(lambda d: d.due_date < today)
            soon = mine.filtered(
                lambda d, nd=next_digest: (
                    d.due_date >= today
                    and (d.due_date < nd or d.reminder_date <= today)
                )
            )
            if not late and not soon:
                continue
            env = self.with_context(lang=lang).env
            company = mine.company_id[:1]
            mails.append(
                self._digest_mail_values(
                    partner,
                    env._(
                        "Your deadlines: %(late)s late, %(soon)s coming up",
                        late=len(late),
                        soon=len(soon),
                    ),
                    "gestions_radieuses.cae_deadline_digest_mail",
                    {
                        "partner": partner,
                        "late": late,
                        "soon": soon,
                        "company": company,
                        "calendar_url": f"{partner.get_base_url()}/my/calendar",
                        "format_date": lambda day, lang=lang: format_date(
                            day, "EEEE d MMMM", locale=lang
                        ),
                    },
                )
            )
            sent |= partner
        sent.sudo().write({"cae_digest_last_sent": today})
        return mails

    @api.model
    def _prepare_advisor_digests(self, today):
        Deadline = self.sudo()
        late = Deadline.search(
            [
                ("state", "=", "todo"),
                ("due_date", "<", today),
                ("activity_id.active", "=", True),
                ("advisor_id", "!=", False),
            ]
        )
        mails = []
        sent = self.env["res.partner"]
        for advisor, advisor_deadlines in late.grouped("advisor_id").items():
            partner = advisor.partner_id
            if (
                advisor.share
                or not partner.email
                or not self._digest_due(
                    partner.sudo().cae_staff_digest_last_sent,
                    DIGEST_DAYS["weekly"],
                    today,
                )
            ):
                continue
            lang = partner.lang or "en_US"
            env = self.with_context(lang=lang).env
            deadlines = advisor_deadlines.with_context(lang=lang)
            mails.append(
                self._digest_mail_values(
                    partner,
                    env._(
                        "Your entrepreneurs' late deadlines: %(count)s",
                        count=len(deadlines),
                    ),
                    "gestions_radieuses.cae_deadline_advisor_digest_mail",
                    {
                        "partner": partner,
                        "by_entrepreneur": deadlines.grouped("entrepreneur_id"),
                        "company": deadlines.company_id[:1],
                        "backend_url": f"{partner.get_base_url()}/odoo/action-"
                        "gestions_radieuses.cae_deadline_action_needs_me",
                        "format_date": lambda day, lang=lang: format_date(
                            day, "d MMMM", locale=lang
                        ),
                    },
                )
            )
            sent |= partner
        sent.sudo().write({"cae_staff_digest_last_sent": today})
        return mails

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _demo_generate(self):
        """Generate as if three months ago, then mark every other past one done."""
        today = self._today()
        self._generate(today=today - timedelta(days=90))
        self._generate(today=today)
        past = self.search([("state", "=", "todo"), ("due_date", "<", today)])
        past.filtered(lambda d: d.id % 2 == 0).sudo().action_done()
