"""The calendar's generation engine: rules expand into rows, rows are synced with
the deadlines in a few set-based SQL statements (no query per activity).

``cae.deadline.rule`` builds the rows it expects (``_expected_deadlines``);
``cae.deadline`` compares them with what exists and inserts, moves or cancels
(``_generate``). The date arithmetic itself is in ``tools/calendar_dates.py``.
"""

import hashlib
import logging
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..tools.calendar_dates import adjust, due_periods, horizon_end
from ..tools.cron_batches import may_commit, next_ids, read_cursor, write_cursor
from .cae_deadline_rule import RELATIVE

_logger = logging.getLogger(__name__)

# Rows inserted per INSERT statement when generating.
INSERT_BATCH = 5000
# Activities whose deadlines are computed and written together when the whole
# network is generated: memory stays flat whatever the number of activities.
SYNC_CHUNK = 250
# Activities generated per run of the cron's server action: ir.cron commits after
# each run and runs it again while _notify_progress reports remaining work.
CRON_BATCH = 1000
# The cron's bookmark (tools/cron_batches.py).
CURSOR_PARAM = "gestions_radieuses.deadline_generation_cursor"
# Attempts of a batch that meets a concurrent generator (see _generate_retrying).
SERIALIZATION_RETRIES = 5


class CaeDeadlineSyncState(models.Model):
    """What the whole network's generation saw, per chunk of activities, when it
    last synced it today (see ``cae.deadline._generate_batch``)."""

    _name = "cae.deadline.sync.state"
    _description = "Deadline generation: inputs of today's last run"
    _log_access = False

    chunk_key = fields.Char(required=True)
    day = fields.Date(required=True)
    fingerprint = fields.Char(required=True)

    _sql_constraints = [
        ("chunk_key_uniq", "UNIQUE(chunk_key)", "One state per chunk of activities.")
    ]

    @api.model
    def _chunk_key(self, chunk):
        if chunk is None:
            return "whole CAE"
        ids = ",".join(map(str, chunk.ids))
        return hashlib.md5(ids.encode(), usedforsecurity=False).hexdigest()

    @api.model
    def _last_run(self, today, forget_older=False):
        """{chunk key: fingerprint} of today's last run; with ``forget_older``,
        other days' are removed first (they can never match again)."""
        if forget_older:
            self.env.cr.execute(
                SQL("DELETE FROM cae_deadline_sync_state WHERE day != %s", today)
            )
        self.env.cr.execute(
            SQL(
                "SELECT chunk_key, fingerprint FROM cae_deadline_sync_state "
                "WHERE day = %s",
                today,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _remember(self, key, today, fingerprint):
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO cae_deadline_sync_state (chunk_key, day, fingerprint)
                VALUES (%s, %s, %s)
                ON CONFLICT (chunk_key)
                DO UPDATE SET day = EXCLUDED.day, fingerprint = EXCLUDED.fingerprint
                """,
                key,
                today,
                fingerprint,
            )
        )


class CaeDeadline(models.Model):
    """Deadlines follow their rules: inserted, moved or cancelled together."""

    # One concern per file, as account splits its models.
    _inherit = "cae.deadline"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_generate(self, batch_size=CRON_BATCH):
        """Generate the next ``batch_size`` activities of the network, in id order.

        One call is one batch: ir.cron commits after it and calls again while
        ``_notify_progress`` reports remaining activities (a new run is scheduled at
        once after ten). The bookmark (the day and the last activity id done) is
        written in the batch's own transaction: a process killed mid-run loses the
        batch under way only, and the next run goes on from the bookmark. A new day
        starts over from the first activity (the horizon moved). The deadlines of the
        whole CAE (no activity) go with the first batch.
        """
        today = self._today()
        last_id = read_cursor(self.env, CURSOR_PARAM, today)
        batch, remaining = next_ids(self.env, "cae_activity", last_id, batch_size)
        rules = self.env["cae.deadline.rule"].sudo().search([("active", "=", True)])
        activities = self.env["cae.activity"].with_context(active_test=False)
        counts = self._generate_retrying(
            rules, activities.browse(batch), today, whole_cae=not last_id
        )
        write_cursor(self.env, CURSOR_PARAM, today, batch[-1] if remaining else None)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        _logger.info(
            "CAE deadlines generated for %s activities (%s left): %s",
            len(batch),
            remaining,
            counts,
        )
        return counts

    @api.model
    def _generate_retrying(self, rules, activities, today, whole_cae=False):
        """Generate these activities (and the whole CAE's deadlines with
        ``whole_cae``), starting the transaction again if a concurrent generator
        wrote the same deadlines first.

        PostgreSQL refuses ``INSERT ... ON CONFLICT DO NOTHING`` under REPEATABLE
        READ when the conflicting row was committed by a transaction the snapshot
        does not see (SerializationFailure): the retry, with a new snapshot, sees
        that row and skips it. Only where the transaction may be ended (see
        ``may_commit``): in tests the error is raised.
        """
        rules = rules.sudo().with_context(active_test=False)
        for attempt in range(SERIALIZATION_RETRIES):
            try:
                with self.env.cr.savepoint(flush=False):
                    return self._generate_batch(
                        rules, activities, today, whole_cae, skip_unchanged=True
                    )
            except SerializationFailure:
                if not may_commit(self.env) or attempt == SERIALIZATION_RETRIES - 1:
                    raise
                _logger.info(
                    "CAE deadlines: a concurrent generator wrote first, retrying"
                )
                # The snapshot is the transaction's: only a new one sees the rows.
                self.env.cr.rollback()
                time.sleep(0.1 * (attempt + 1))
        return {}  # unreachable: the last attempt returns or raises

    def _generate_batch(
        self, rules, activities, today, whole_cae, skip_unchanged=False
    ):
        """Sync these activities a chunk at a time (the whole CAE's deadlines
        first with ``whole_cae``).

        With ``skip_unchanged`` (``rules`` are then all the active ones), a chunk
        whose inputs are those the last run left today is skipped: same day, same
        rules and companies, same activities, documents and interviews, same
        deadlines (see ``_inputs_fingerprint``). Deadlines follow the day, so the
        first run of a day computes everything again.
        """
        deadlines = self.sudo()
        self.env.flush_all()
        totals = {"created": 0, "moved": 0, "cancelled": 0}
        chunks = [None] if whole_cae else []
        chunks += list(split_every(SYNC_CHUNK, activities.ids, activities.browse))
        State = self.env["cae.deadline.sync.state"].sudo()
        last_run = (
            State._last_run(today, forget_older=whole_cae) if skip_unchanged else {}
        )
        for chunk in chunks:
            if skip_unchanged:
                key = State._chunk_key(chunk)
                if key in last_run and last_run[key] == deadlines._inputs_fingerprint(
                    rules, chunk, today
                ):
                    continue
            counts = deadlines._sync_chunk(rules, chunk, today)
            for key_, value in counts.items():
                totals[key_] += value
            if skip_unchanged:
                State._remember(
                    key, today, deadlines._inputs_fingerprint(rules, chunk, today)
                )
            if chunk is not None:  # memory stays flat: forget the chunk's records
                self.env.invalidate_all()
        return totals

    def _inputs_fingerprint(self, rules, chunk, today):
        """What the deadlines of this chunk (``None``: the whole CAE's) follow, in
        one string: the day, and the row versions (PostgreSQL's ``ctid``, new at
        every insert or update, even within one transaction) of the rules and
        their companies, the activities, their documents and interviews, and the
        deadlines themselves; counts show removals. A rule's filter reading other
        models than these is followed the next day."""
        ids = chunk.ids if chunk is not None else []

        def versions(table, where):
            return SQL(
                "(SELECT count(*) || '@' || "
                "coalesce(md5(string_agg(ctid::text, ',' ORDER BY ctid)), '') "
                "FROM %s WHERE %s)",
                SQL.identifier(table),
                where,
            )

        activity_filter = SQL("activity_id = ANY(%s)", ids)
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s, %s, %s, %s, %s",
                versions("cae_deadline_rule", SQL("id = ANY(%s)", rules.ids)),
                versions("res_company", SQL("id = ANY(%s)", rules.company_id.ids)),
                versions("cae_activity", SQL("id = ANY(%s)", ids)),
                versions("cae_activity_document", activity_filter),
                versions("cae_accompaniment", activity_filter),
                versions(
                    "cae_deadline",
                    SQL(
                        "rule_id = ANY(%s) AND %s",
                        rules.ids,
                        activity_filter
                        if chunk is not None
                        else SQL("activity_id IS NULL"),
                    ),
                ),
            )
        )
        return "|".join([str(today), *self.env.cr.fetchone()])

    @api.model
    def _generate(self, rules=None, activities=None, today=None):
        """Make the deadlines of ``rules`` (all active ones if None) match them.

        Every deadline due from ``today`` to the company's horizon exists once;
        deadlines relative to a document or to the last interview exist even if
        already late. To-do deadlines that no longer match are moved or cancelled,
        done ones are never touched. With ``activities``, only those are considered.

        Concurrency: rows are written with INSERT ... ON CONFLICT DO NOTHING against
        the unique index on (rule, activity, period), so the database itself refuses
        a duplicate, whatever runs at the same moment. A second transaction inserting
        the same row waits for the first one; once the first commits, PostgreSQL
        does not let the second skip a row its REPEATABLE READ snapshot cannot see:
        the second fails with a SerializationFailure (nothing of it is written).
        Odoo retries that error for an HTTP request; the cron retries its batch in a
        new transaction (``_generate_retrying``), which sees the rows and skips them
        (tests/test_deadline_concurrency.py runs two processes). This was preferred to
        locking: one statement per batch, no lock held across activities, and no
        window in which a duplicate could exist. Queries: a few per rule (and, for
        the whole network, per chunk of SYNC_CHUNK activities), none per activity.
        """
        Rule = self.env["cae.deadline.rule"].sudo()
        all_active = rules is None
        if rules is None:
            rules = Rule.search([("active", "=", True)])
        rules = rules.sudo().with_context(active_test=False)
        if activities is not None:
            activities = activities.sudo()
            if not activities:
                return {"created": 0, "moved": 0, "cancelled": 0}
        # All the active rules for the whole network (the cron's call, the
        # benchmark's): chunks whose inputs did not change since today's last run
        # are skipped.
        return self.sudo()._sync(
            rules,
            activities,
            today or self._today(),
            skip_unchanged=all_active and activities is None,
        )

    def _sync(self, rules, activities, today, skip_unchanged=False):
        if activities is not None:
            self.env.flush_all()
            return self._sync_chunk(rules, activities, today)
        # The whole network: deadlines of the whole CAE (no activity) first, then
        # every activity, archived ones too (their to-do deadlines are cancelled),
        # a chunk at a time, so that memory does not grow with the network.
        self.env.cr.execute(SQL("SELECT id FROM cae_activity ORDER BY id"))
        activity_ids = [row[0] for row in self.env.cr.fetchall()]
        Activity = self.env["cae.activity"].with_context(active_test=False)
        return self._generate_batch(
            rules,
            Activity.browse(activity_ids),
            today,
            whole_cae=True,
            skip_unchanged=skip_unchanged,
        )

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


class CaeDeadlineRule(models.Model):
    """What a rule expects: one row per activity and period (consumed by
    ``cae.deadline._generate``)."""

    _inherit = "cae.deadline.rule"

    def _horizon_end(self, today):
        return horizon_end(today, self.company_id.cae_deadline_horizon_months)

    def _matching_activities(self, activities):
        domain = [
            *self._get_activity_domain(),
            ("company_id", "=", self.company_id.id),
            ("active", "=", True),
        ]
        if activities is not None:
            domain.append(("id", "in", activities.ids))
        return self.env["cae.activity"].sudo().search(domain)

    def _activity_people(self, activities):
        """{activity id: (lead entrepreneur id, advisor id)}, read once per rule:
        generation builds tens of thousands of rows, each from plain values.
        (Generation runs as superuser after flushing: plain SQL reads it all.)"""
        if not activities:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT id, entrepreneur_id, advisor_id FROM cae_activity "
                "WHERE id = ANY(%s)",
                activities.ids,
            )
        )
        return {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}

    def _row_constants(self):
        """What every deadline of this rule shares, read once."""
        return {
            "rule_id": self.id,
            "company_id": self.company_id.id,
            "category": self.category,
            "actor": self.actor,
            "reminder": timedelta(days=max(self.reminder_days, 0)),
        }

    def _rows(self, people, period_start, period_end, due_date, constants=None):
        """{(rule id, activity id, period start): row} for these activities and
        this period; ``people`` as returned by ``_activity_people``, ``constants``
        by ``_row_constants`` (read again if not given)."""
        constants = constants or self._row_constants()
        rule_id = constants["rule_id"]
        common = {
            "rule_id": rule_id,
            "company_id": constants["company_id"],
            "category": constants["category"],
            "actor": constants["actor"],
            "period_start": period_start,
            "period_end": period_end,
            "due_date": due_date,
            "reminder_date": due_date - constants["reminder"],
        }
        return {
            (rule_id, activity_id, period_start): {
                **common,
                "activity_id": activity_id or None,
                "entrepreneur_id": entrepreneur_id or None,
                "advisor_id": advisor_id or None,
            }
            for activity_id, (entrepreneur_id, advisor_id) in people.items()
        }

    def _periods(self, today):
        """(start, end, due date) of every period due from today to the horizon."""
        return due_periods(
            self.recurrence,
            today,
            self._horizon_end(today),
            date_once=self.date_once,
            day=self.day,
            month=self.month,
            months_after=self.months_after,
            day_type=self.day_type,
            short_month=self.short_month,
            offset_days=self.offset_days,
            shift_working_day=self.shift_working_day,
            subdivision=self.company_id._cae_holiday_subdivision(),
        )

    def _expected_deadlines(self, activities, today):
        """{(rule id, activity id or 0, period start): row} for this rule."""
        self.ensure_one()
        if self.recurrence in RELATIVE:
            return self._expected_relative(activities, today)
        periods = self._periods(today)
        if self.scope == "company":
            if activities is not None:
                return {}
            targets = self.env["cae.activity"]
        else:
            targets = self._matching_activities(activities)
        people = (
            {0: (False, False)}
            if self.scope == "company"
            else self._activity_people(targets)
        )
        constants = self._row_constants()
        expected = {}
        for start, end, due in periods:
            expected.update(self._rows(people, start, end, due, constants))
        return expected

    def _expected_relative(self, activities, today):
        targets = self._matching_activities(activities)
        if not targets:
            return {}
        horizon_end = self._horizon_end(today)
        subdivision = self.company_id._cae_holiday_subdivision()
        people = self._activity_people(targets)
        constants = self._row_constants()
        expected = {}
        if self.recurrence == "document_expiry":
            expiries = dict(
                self.env["cae.activity.document"]
                .sudo()
                ._read_group(
                    [
                        ("activity_id", "in", targets.ids),
                        ("type_id", "=", self.document_type_id.id),
                        ("date_until", "!=", False),
                        ("status", "!=", "missing"),
                    ],
                    ["activity_id"],
                    ["date_until:max"],
                )
            )
            for activity in targets:
                expiry = expiries.get(activity)
                if not expiry:
                    continue
                due = adjust(
                    expiry, self.offset_days, self.shift_working_day, subdivision
                )
                if due <= horizon_end:
                    expected.update(
                        self._rows(
                            {activity.id: people[activity.id]},
                            expiry,
                            expiry,
                            due,
                            constants,
                        )
                    )
            return expected
        # After the last done interview (or the start of the current stage).
        last_interviews = dict(
            self.env["cae.accompaniment"]
            .sudo()
            ._read_group(
                [
                    ("activity_id", "in", targets.ids),
                    ("kind", "=", "interview"),
                    ("state", "=", "done"),
                ],
                ["activity_id"],
                ["date:max"],
            )
        )
        for activity in targets:
            start = last_interviews.get(activity) or activity.stage_date
            due = adjust(
                start + relativedelta(months=self.months_after),
                self.offset_days,
                self.shift_working_day,
                subdivision,
            )
            if due <= horizon_end:
                expected.update(
                    self._rows(
                        {activity.id: people[activity.id]},
                        start,
                        max(due, start),
                        due,
                        constants,
                    )
                )
        return expected
