from datetime import timedelta

from odoo.tests import tagged

from .common_calendar import TODAY, CaeCalendarCommon


@tagged("post_install", "-at_install")
class TestDeadlineDigest(CaeCalendarCommon):
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
