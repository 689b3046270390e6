from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common_calendar import TODAY, CaeCalendarCommon
from .test_cron_batches import CronBatchCase


class DigestCase(CaeCalendarCommon):
    """A deadline of A due soon, one of B late, nothing for C."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_c = cls.env["res.partner"].create(
            {"name": "Entrepreneur C", "email": "c@example.com"}
        )
        cls.activity_c = cls.env["cae.activity"].create(
            {"name": "Activity C", "entrepreneur_id": cls.partner_c.id}
        )
        # A deadline of A due in three days, and one of B, already late.
        cls.rule_soon = cls.create_rule(
            {
                "name": "Soon",
                "recurrence": "once",
                "date_once": TODAY + timedelta(days=3),
                "activity_domain": repr([("id", "=", cls.activity_a.id)]),
            }
        )
        cls.Deadline._generate(rules=cls.test_rules | cls.rule_soon)
        cls.add_document(cls.activity_b, TODAY + timedelta(days=10))
        cls.Mail = cls.env["mail.mail"]


@tagged("post_install", "-at_install")
class TestDeadlineDigest(DigestCase):
    def send(self, today=TODAY):
        before = self.Mail.search([]).ids
        self.Deadline._cron_send_digests(today=today)
        return self.Mail.search([("id", "not in", before)])

    def mails_to(self, mails, partner):
        return mails.filtered(lambda m: partner in m.recipient_ids)

    def test_one_mail_per_recipient_none_when_empty(self):
        mails = self.send()
        mail_a = self.mails_to(mails, self.partner_a)
        self.assertEqual(len(mail_a), 1)
        self.assertIn("Soon", mail_a.body_html)
        self.assertIn("/my/calendar", mail_a.body_html)
        mail_b = self.mails_to(mails, self.partner_b)
        self.assertEqual(len(mail_b), 1)
        self.assertIn("Test insurance renewal", mail_b.body_html)
        self.assertNotIn("Soon", mail_b.body_html)
        # Nothing to say to C: no mail.
        self.assertFalse(self.mails_to(mails, self.partner_c))
        # The advisor of A and B: one mail with the late ones.
        mail_advisor = self.mails_to(mails, self.advisor.partner_id)
        self.assertEqual(len(mail_advisor), 1)
        self.assertIn("Entrepreneur B", mail_advisor.body_html)
        # Run again the same day: nothing new.
        self.assertFalse(self.send())

    def test_frequency(self):
        self.partner_b.cae_digest_frequency = "never"
        self.partner_a.cae_digest_frequency = "daily"
        self.partner_a.sudo().cae_digest_last_sent = TODAY - timedelta(days=1)
        mails = self.send()
        self.assertEqual(len(self.mails_to(mails, self.partner_a)), 1)
        self.assertFalse(self.mails_to(mails, self.partner_b))
        # Weekly: not again three days later, but a week later.
        self.partner_a.cae_digest_frequency = "weekly"
        self.assertFalse(
            self.mails_to(self.send(TODAY + timedelta(days=3)), self.partner_a)
        )
        self.assertTrue(
            self.mails_to(self.send(TODAY + timedelta(days=7)), self.partner_a)
        )

    def test_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["gestions_radieuses"], ["fr_FR"], overwrite=True
        )
        self.partner_a.lang = "fr_FR"
        self.partner_b.lang = "en_US"
        mails = self.send()
        mail_a = self.mails_to(mails, self.partner_a)
        mail_b = self.mails_to(mails, self.partner_b)
        self.assertIn("Vos échéances", mail_a.subject)
        self.assertIn("À venir", mail_a.body_html)
        self.assertIn("Your deadlines", mail_b.subject)
        self.assertIn("Late", mail_b.body_html)


@tagged("post_install", "-at_install")
class TestDeadlineDigestBatches(CronBatchCase, DigestCase):
    """The digest cron in batches of recipients (see test_cron_batches.py)."""

    XMLID = "gestions_radieuses.ir_cron_cae_deadline_digest"

    def digest(self, size):
        return lambda env: env["cae.deadline"]._cron_send_digests(batch_size=size)

    def new_mails(self, function):
        before = self.Mail.search([]).ids
        function()
        return self.Mail.search([("id", "not in", before)])

    def recipients(self, mails):
        return sorted(mails.recipient_ids.ids)

    def test_batches_send_what_one_run_sends(self):
        def one_run():
            return self.recipients(
                self.new_mails(lambda: self.run_batch(self.XMLID, self.digest(1000)))
            )

        expected = self.rolled_back(one_run)
        ours = {self.partner_a.id, self.partner_b.id, self.advisor.partner_id.id}
        self.assertLessEqual(ours, set(expected))
        calls = []
        mails = self.new_mails(
            lambda: calls.append(self.run_until_done(self.XMLID, self.digest(1)))
        )
        self.assertEqual(calls, [len(expected)])
        # One mail per recipient, the same recipients as one run.
        self.assertEqual(len(mails), len(expected))
        self.assertEqual(self.recipients(mails), expected)
        # Nothing more the same day.
        self.assertFalse(
            self.new_mails(lambda: self.run_batch(self.XMLID, self.digest(1)))
        )

    def test_queries_per_batch_do_not_grow(self):
        """A batch of recipients costs the same queries however many people the
        network has beyond it: twenty more entrepreneurs with something late
        change nothing to the first batch."""

        def first_batch():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.run_batch(self.XMLID, self.digest(1))
            return self.env.cr.sql_log_count - before

        def with_more_people():
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Entrepreneur {n}", "email": f"e{n}@example.com"}
                    for n in range(20)
                ]
            )
            activities = self.env["cae.activity"].create(
                [
                    {"name": f"Activity {n}", "entrepreneur_id": partner.id}
                    for n, partner in enumerate(partners)
                ]
            )
            rule = self.create_rule(
                {
                    "name": "Late for everyone",
                    "recurrence": "once",
                    "date_once": TODAY - timedelta(days=2),
                    "activity_domain": repr([("id", "in", activities.ids)]),
                }
            )
            self.Deadline._generate(rules=rule, activities=activities)
            return first_batch()

        self.rolled_back(first_batch)  # Odoo's own caches warm for both
        few = self.rolled_back(first_batch)
        many = self.rolled_back(with_more_people)
        self.assertEqual(few, many)

    def test_failure_mid_run_loses_nothing_done(self):
        Deadline = type(self.Deadline)
        original = Deadline._digest_mail_values
        batches = []

        def killed_on_second_batch(deadline, partner, *args):
            batches.append(partner)
            if len(batches) == 2:
                raise RuntimeError("worker killed")
            return original(deadline, partner, *args)

        with patch.object(Deadline, "_digest_mail_values", killed_on_second_batch):
            first = self.new_mails(lambda: self.run_batch(self.XMLID, self.digest(1)))
            with self.assertRaises(RuntimeError):
                self.run_batch(self.XMLID, self.digest(1))
        self.assertEqual(first.recipient_ids, batches[0])
        # The failed batch left no mail and no record: it is sent by the next run.
        Sent = self.env["cae.deadline.digest.sent"]
        self.assertFalse(Sent.search([("partner_id", "=", batches[1].id)]))
        rest = self.new_mails(lambda: self.run_until_done(self.XMLID, self.digest(1)))
        self.assertIn(batches[1], rest.recipient_ids)
        self.assertNotIn(batches[0], rest.recipient_ids)
        self.assertEqual(len(rest), len(rest.recipient_ids))

    def test_not_sent_twice_for_the_same_period(self):
        first = self.new_mails(lambda: self.run_batch(self.XMLID, self.digest(1000)))
        self.assertIn(self.partner_a, first.recipient_ids)
        Sent = self.env["cae.deadline.digest.sent"]
        self.assertEqual(
            Sent.search([("partner_id", "=", self.partner_a.id)]).mapped("period"),
            [TODAY],
        )
        # A retry of the committed batch that lost its last-sent dates (a crash
        # between two statements, a second run at the same moment): the record of
        # the period says it was sent.
        self.partner_a.sudo().cae_digest_last_sent = False
        self.partner_b.sudo().cae_digest_last_sent = False
        self.advisor.partner_id.sudo().cae_staff_digest_last_sent = False
        self.assertFalse(
            self.new_mails(lambda: self.run_batch(self.XMLID, self.digest(1000)))
        )
        self.assertEqual(Sent._claim("entrepreneur", TODAY, [self.partner_a.id]), set())
        # The next period is another digest.
        self.partner_a.cae_digest_frequency = "daily"
        self.assertEqual(
            Sent._claim("entrepreneur", TODAY + timedelta(days=1), [self.partner_a.id]),
            {self.partner_a.id},
        )
