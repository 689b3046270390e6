"""The crons in committed batches: each call handles a bounded batch, reports its
progress to ir.cron, and a batch lost to a crash is done again by the next run.

A test cannot commit: each batch runs in a savepoint, as ir.cron runs each in a
transaction of its own, and a failed batch rolls back to it."""

import math
from datetime import date, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..models.cae_activity_document import STATUS_CURSOR_PARAM
from ..models.cae_deadline_generation import CURSOR_PARAM
from ..tools.cron_batches import read_cursor, write_cursor
from .common_calendar import TODAY, CaeCalendarCommon

ZERO = {"created": 0, "moved": 0, "cancelled": 0}


class CronBatchCase(CaeCalendarCommon):
    def run_batch(self, xmlid, call):
        """One call of the cron's server action as ir.cron makes it (in its own
        savepoint, with its progress record): (done, remaining)."""
        cron = self.env.ref(xmlid)
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "done": 0, "remaining": 0}
        )
        with self.env.cr.savepoint():
            call(
                self.env(
                    context=dict(self.env.context, ir_cron_progress_id=progress.id)
                )
            )
        return progress.done, progress.remaining

    def run_until_done(self, xmlid, call):
        """Call again while remaining work is reported, as ir.cron does: the
        number of calls."""
        for calls in range(1, 1000):
            _done, remaining = self.run_batch(xmlid, call)
            if not remaining:
                return calls
        raise AssertionError("the cron never finished")

    def rolled_back(self, function):
        """Run function and undo what it wrote (its result is kept)."""
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT cae_rolled_back")
        try:
            result = function()
            self.env.flush_all()
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT cae_rolled_back")
            self.env.invalidate_all()
            self.env.registry.clear_cache()  # ir.config_parameter's
        return result


@tagged("post_install", "-at_install")
class TestGenerationBatches(CronBatchCase):
    XMLID = "gestions_radieuses.ir_cron_cae_deadline_generate"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.batched = cls.env["cae.activity"].create(
            [
                {
                    "name": f"Batched {index}",
                    "entrepreneur_id": cls.partner_b.id,
                    "advisor_id": cls.advisor.id,
                    "stage": "salaried",
                }
                for index in range(30)
            ]
        )
        cls.rule_batched = cls.create_rule(
            {
                "name": "Batched",
                "recurrence": "quarterly",
                "day": 15,
                "activity_domain": repr([("id", "in", cls.batched.ids)]),
            }
        )

    def snapshot(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT rule_id, activity_id, period_start, due_date, reminder_date, state"
            "  FROM cae_deadline ORDER BY 1, 2, 3"
        )
        return self.env.cr.fetchall()

    def generate_batch(self, size):
        return lambda env: env["cae.deadline"]._cron_generate(batch_size=size)

    def start_before(self, activity):
        write_cursor(self.env, CURSOR_PARAM, TODAY, activity.id - 1)

    def test_batches_make_what_one_run_makes(self):
        def one_run():
            self.Deadline._generate()
            return self.snapshot()

        expected = self.rolled_back(one_run)
        self.env.cr.execute("SELECT count(*) FROM cae_activity")
        total = self.env.cr.fetchone()[0]
        calls = self.run_until_done(self.XMLID, self.generate_batch(7))
        self.assertEqual(calls, math.ceil(total / 7))
        self.assertEqual(self.snapshot(), expected)
        self.assertEqual(len(self.deadlines(self.rule_batched)), 30 * 4)
        self.assertEqual(read_cursor(self.env, CURSOR_PARAM, TODAY), 0)
        # Done for today; the next day starts over, and finds nothing to do.
        self.assertEqual(self.Deadline._generate(), ZERO)

    def test_progress_reported(self):
        self.start_before(self.batched[0])
        done, remaining = self.run_batch(self.XMLID, self.generate_batch(10))
        self.assertEqual((done, remaining), (10, 20))
        self.assertEqual(read_cursor(self.env, CURSOR_PARAM, TODAY), self.batched[9].id)
        # Another day: the bookmark of the day before is not followed.
        self.assertEqual(
            read_cursor(self.env, CURSOR_PARAM, TODAY + timedelta(days=1)), 0
        )

    def test_failure_mid_run_loses_nothing_done(self):
        self.start_before(self.batched[0])
        Deadline = type(self.Deadline)
        original = Deadline._generate_batch
        calls = []

        def killed_on_second_batch(deadlines, *args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(deadlines, *args, **kwargs)

        with patch.object(Deadline, "_generate_batch", killed_on_second_batch):
            self.run_batch(self.XMLID, self.generate_batch(10))
            with self.assertRaises(RuntimeError):
                self.run_batch(self.XMLID, self.generate_batch(10))
        # The first batch stays, the second left nothing, the bookmark is the
        # first batch's.
        first, rest = self.batched[:10], self.batched[10:]
        made = self.deadlines(self.rule_batched)
        self.assertEqual(made.activity_id, first)
        self.assertFalse(made.activity_id & rest)
        self.assertEqual(read_cursor(self.env, CURSOR_PARAM, TODAY), first[-1].id)
        # The next run goes on from there and completes the work.
        self.assertEqual(self.run_until_done(self.XMLID, self.generate_batch(10)), 2)
        self.assertEqual(len(self.deadlines(self.rule_batched)), 30 * 4)
        self.assertEqual(self.Deadline._generate(activities=self.batched), ZERO)

    def test_queries_per_batch_do_not_grow(self):
        """A batch costs the same queries whatever its size (below SYNC_CHUNK)
        and whatever the size of the network."""

        def queries(size):
            def measure():
                self.start_before(self.batched[0])
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                self.run_batch(self.XMLID, self.generate_batch(size))
                return self.env.cr.sql_log_count - before

            return self.rolled_back(measure)

        few, many = queries(5), queries(25)
        self.assertEqual(few, many)
        self.assertLess(many, 60)


@tagged("post_install", "-at_install")
class TestDocumentStatusBatches(CronBatchCase):
    XMLID = "gestions_radieuses.ir_cron_cae_document_status"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Valid when made; expiring (or expired) a month later.
        with patch.object(
            type(cls.env["res.company"]), "_cae_today", lambda self: date(2027, 1, 10)
        ):
            cls.documents = cls.env["cae.activity.document"].concat(
                *(
                    cls.add_document(activity, date(2027, 3, 20) + timedelta(days=n))
                    for n, activity in enumerate([cls.activity_a, cls.activity_b] * 3)
                )
            )

    def refresh(self, size):
        return lambda env: env["cae.activity.document"]._cron_refresh_status(
            batch_size=size
        )

    def test_batches_make_what_one_run_makes(self):
        self.assertEqual(set(self.documents.mapped("status")), {"valid"})

        def one_run():
            self.run_batch(self.XMLID, self.refresh(1000))
            return self.documents.mapped("status")

        expected = self.rolled_back(one_run)
        self.assertEqual(set(expected), {"expiring"})
        self.assertGreaterEqual(self.run_until_done(self.XMLID, self.refresh(2)), 3)
        self.assertEqual(self.documents.mapped("status"), expected)
        self.assertEqual(read_cursor(self.env, STATUS_CURSOR_PARAM, TODAY), 0)

    def test_failure_mid_run_loses_nothing_done(self):
        write_cursor(self.env, STATUS_CURSOR_PARAM, TODAY, self.documents[0].id - 1)
        Document = type(self.env["cae.activity.document"])
        original = Document._compute_status
        calls = []

        def killed_on_second_batch(documents):
            calls.append(documents)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(documents)

        with patch.object(Document, "_compute_status", killed_on_second_batch):
            done, _remaining = self.run_batch(self.XMLID, self.refresh(2))
            with self.assertRaises(RuntimeError):
                self.run_batch(self.XMLID, self.refresh(2))
        self.env.invalidate_all()
        first, second = self.documents[:2], self.documents[2:4]
        self.assertEqual(calls[0], first)
        self.assertEqual(done, 2)
        self.assertEqual(set(first.mapped("status")), {"expiring"})
        self.assertEqual(set(second.mapped("status")), {"valid"})
        self.assertEqual(read_cursor(self.env, STATUS_CURSOR_PARAM, TODAY), first[1].id)
        self.run_until_done(self.XMLID, self.refresh(2))
        self.assertEqual(set(self.documents.mapped("status")), {"expiring"})


@tagged("post_install", "-at_install")
class TestGenerationSkipsUnchanged(CaeCalendarCommon):
    """The whole network's re-run skips the chunks whose inputs did not change
    since today's last run, and only those."""

    def synced_chunks(self, **kwargs):
        Deadline = type(self.Deadline)
        original = Deadline._sync_chunk
        chunks = []

        def spy(deadlines, rules, activities, today):
            chunks.append(activities)
            return original(deadlines, rules, activities, today)

        with patch.object(Deadline, "_sync_chunk", spy):
            counts = self.Deadline._generate(**kwargs)
        return chunks, counts

    def test_unchanged_chunks_skipped_changed_ones_synced(self):
        chunks, _counts = self.synced_chunks()
        self.assertTrue(chunks)
        # Nothing changed: nothing synced again.
        self.assertEqual(self.synced_chunks(), ([], ZERO))
        # An activity changes stage (same transaction, same write date): its
        # chunk is synced again, and its deadlines follow.
        self.assertTrue(self.deadlines(self.rule_monthly, self.activity_a))
        self.activity_a.stage = "candidate"
        chunks, _counts = self.synced_chunks()
        self.assertEqual(len(chunks), 1)
        self.assertIn(self.activity_a, chunks[0])
        self.assertFalse(
            self.deadlines(self.rule_monthly, self.activity_a, state="todo")
        )
        # A document added: its chunk again.
        self.add_document(self.activity_b, TODAY + timedelta(days=40))
        chunks, _counts = self.synced_chunks()
        self.assertEqual(len(chunks), 1)
        self.assertIn(self.activity_b, chunks[0])
        # A deadline removed by hand comes back.
        deadline = self.deadlines(self.rule_staff, self.activity_b)[:1]
        deadline.unlink()
        chunks, counts = self.synced_chunks()
        self.assertEqual(counts["created"], 1)
        # A rule edited: every chunk again.
        self.rule_monthly.day = 6
        chunks, _counts = self.synced_chunks()
        self.assertGreater(len(chunks), 1)
        # Another day: everything again.
        chunks, _counts = self.synced_chunks(today=TODAY + timedelta(days=1))
        self.assertGreater(len(chunks), 1)
        # Given rules (a rule's own button): never skipped.
        chunks, _counts = self.synced_chunks(rules=self.rule_staff)
        self.assertGreater(len(chunks), 1)
