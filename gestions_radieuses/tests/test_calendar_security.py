"""The calendar's trust boundary (issue 8, findings 4 and 5): states, done dates
and staff notes cannot be forged or read, whatever the context a caller sends."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CaeHttpMixin
from .common_calendar import TODAY, CaeCalendarCommon

# The context keys the module used to read: they must change nothing now.
OLD_CONTEXTS = (
    {},
    {"cae_state_change": True},
    {"cae_today": "2019-01-01"},
    {"cae_state_change": True, "cae_today": "2019-01-01"},
)


class CalendarSecurityCommon(CaeCalendarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Deadline._generate(rules=cls.test_rules, today=TODAY)
        cls.deadline_a = cls.deadlines(cls.rule_monthly, cls.activity_a)[0]
        cls.deadline_b = cls.deadlines(cls.rule_monthly, cls.activity_b)[0]
        cls.staff_deadline_a = cls.deadlines(cls.rule_staff, cls.activity_a)[0]
        cls.deadline_a.sudo().note = "Staff remark: chase them"

    def snapshot(self, *deadlines):
        self.env.invalidate_all()
        return [
            (d.state, d.done_date, d.done_by_id, d.sudo().note, d.activity_id)
            for d in deadlines
        ]


@tagged("post_install", "-at_install")
class TestCalendarSecurity(CalendarSecurityCommon):
    """Through the ORM, as each role would call it."""

    def test_state_not_written_through_a_context_key(self):
        deadlines = self.deadline_a | self.staff_deadline_a
        before = self.snapshot(*deadlines)
        forged = (
            {"state": "cancelled"},
            {"state": "done", "done_by_id": self.advisor.id, "done_date": "2020-01-01"},
            {"done_date": "2020-01-01"},
            {"done_by_id": self.advisor.id},
        )
        for user in (self.entrepreneur_a, self.advisor, self.accountant, self.manager):
            for context in OLD_CONTEXTS:
                for vals in forged:
                    with (
                        self.subTest(user=user.login, context=context, vals=vals),
                        self.assertRaises(UserError),
                    ):
                        deadlines.with_user(user).with_context(**context).write(vals)
        self.assertEqual(self.snapshot(*deadlines), before)

    def test_generated_and_related_fields_not_written(self):
        before = self.snapshot(self.deadline_a)
        for vals in (
            {"activity_id": self.activity_b.id},
            {"rule_id": self.rule_staff.id},
            {"actor": "staff"},
            {"category": "pay"},
            {"entrepreneur_id": self.partner_b.id},
            {"advisor_id": self.manager.id},
            {"company_id": self.company_2.id},
            {"period_start": "2020-01-01"},
        ):
            for user in (self.advisor, self.accountant, self.manager):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                ):
                    self.deadline_a.with_user(user).write(vals)
        self.assertEqual(self.snapshot(self.deadline_a), before)
        self.assertEqual(self.deadline_a.actor, "entrepreneur")
        # What the support team does write: its note.
        self.deadline_a.with_user(self.advisor).note = "Called on Monday"
        self.assertEqual(self.deadline_a.note, "Called on Monday")

    def test_state_not_created(self):
        for vals in ({"state": "done"}, {"done_date": "2020-01-01"}):
            with self.assertRaises(AccessError):
                self.Deadline.with_user(self.manager).create(
                    {
                        "rule_id": self.rule_monthly.id,
                        "activity_id": self.activity_a.id,
                        "company_id": self.company.id,
                        "period_start": "2030-01-01",
                        "period_end": "2030-01-31",
                        "due_date": "2030-02-05",
                        "reminder_date": "2030-02-01",
                        **vals,
                    }
                )

    def test_done_date_is_the_cae_day_not_a_context(self):
        deadline = self.deadline_a.with_user(self.entrepreneur_a)
        deadline.with_context(cae_today=date(2019, 1, 1)).action_done()
        self.assertEqual(self.deadline_a.done_date, TODAY)
        self.assertEqual(self.deadline_a.done_by_id, self.entrepreneur_a)

    @freeze_time("2027-04-05 22:30:00")
    def test_late_in_the_cae_day_whatever_the_user_time_zone(self):
        # 22:30 UTC on 5 April is 00:30 on 6 April in Paris: due the 5th, late.
        deadline = self.deadlines(self.rule_monthly, self.activity_a).filtered(
            lambda d: d.due_date == date(2027, 4, 5)
        )
        self.assertTrue(deadline)
        new_york = new_test_user(
            self.env,
            "cae_advisor_ny",
            groups="gestions_radieuses.group_advisor",
            tz="America/New_York",
        )
        for user in (self.advisor, new_york, self.entrepreneur_a):
            with self.subTest(user=user.login):
                mine = deadline.with_user(user)
                mine.invalidate_recordset(["is_late"])
                self.assertTrue(mine.is_late)
                self.assertIn(
                    deadline,
                    self.Deadline.with_user(user)
                    .with_context(cae_today="2027-04-01")
                    .search([("is_late", "=", True)]),
                )
        self.assertEqual(self.Deadline._today(), date(2027, 4, 6))

    def test_entrepreneur_marks_done_only_their_own(self):
        with self.assertRaises(AccessError):
            self.deadline_b.with_user(self.entrepreneur_a).action_done()
        with self.assertRaisesRegex(AccessError, "support team"):
            self.staff_deadline_a.with_user(self.entrepreneur_a).action_done()
        for method in ("action_cancel", "action_reopen"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.deadline_a.with_user(self.entrepreneur_a), method)()
        self.assertEqual(
            (self.deadline_b | self.staff_deadline_a).mapped("state"), ["todo"] * 2
        )

    def test_staff_note_not_readable_by_entrepreneurs(self):
        deadline = self.deadline_a.with_user(self.entrepreneur_a)
        with self.assertRaises(AccessError):
            deadline.read(["note"])
        self.assertNotIn("note", deadline.read()[0])
        self.assertNotIn(
            "note", self.Deadline.with_user(self.entrepreneur_a).fields_get()
        )
        for user in (self.advisor, self.accountant, self.manager):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self.deadline_a.with_user(user).note, "Staff remark: chase them"
                )

    def test_internal_user_without_role_changes_nothing(self):
        for method in ("action_done", "action_cancel", "action_reopen"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.staff_deadline_a.with_user(self.internal), method)()
        self.assertEqual(self.staff_deadline_a.state, "todo")

    def test_digest_and_feed_link_only_for_oneself(self):
        partner_b = self.partner_b.with_user(self.entrepreneur_a)
        token_b = self.partner_b._cae_calendar_token()
        with self.assertRaises(AccessError):
            partner_b.cae_set_digest_frequency("never")
        with self.assertRaises(AccessError):
            partner_b.cae_renew_calendar_token()
        self.assertEqual(self.partner_b.cae_digest_frequency, "weekly")
        self.assertEqual(self.partner_b._cae_calendar_token(), token_b)
        mine = self.partner_a.with_user(self.entrepreneur_a)
        with self.assertRaisesRegex(UserError, "how often"):
            mine.cae_set_digest_frequency("hourly")
        mine.cae_set_digest_frequency("daily")
        self.assertEqual(self.partner_a.cae_digest_frequency, "daily")
        # The field itself: read-only for the entrepreneur.
        with self.assertRaises(AccessError):
            mine.write({"cae_digest_frequency": "never"})

    def test_nobody_joins_an_activity_through_the_partner(self):
        # An accountant reads activities, and may edit contacts (Odoo's default
        # for employees), but may not make someone an entrepreneur of one.
        contacts = new_test_user(
            self.env,
            "cae_contacts",
            groups="gestions_radieuses.group_accountant,base.group_partner_manager",
        )
        with self.assertRaises(AccessError):
            self.partner_b.with_user(contacts).write(
                {"cae_activity_ids": [(4, self.activity_a.id)]}
            )
        self.assertNotIn(self.partner_b, self.activity_a.member_partner_ids)


@tagged("post_install", "-at_install")
class TestCalendarSecurityRpc(CalendarSecurityCommon, CaeHttpMixin, HttpCase):
    """The same through the real JSON-RPC route of the web client."""

    freeze_time = None

    def test_portal_cannot_forge_states_dates_nor_read_notes(self):
        self._login(self.entrepreneur_a)
        deadlines = self.deadline_a | self.deadline_b | self.staff_deadline_a
        before = self.snapshot(*deadlines)
        for context in OLD_CONTEXTS:
            with self.subTest(context=context):
                for vals in (
                    {"state": "cancelled"},
                    {
                        "state": "done",
                        "done_by_id": self.advisor.id,
                        "done_date": "2020-01-01",
                    },
                    {"note": "mine now"},
                    {"due_date": "2030-01-01"},
                ):
                    self.assertRefused(
                        "cae.deadline", "write", [self.deadline_a.ids, vals], context
                    )
                self.assertRefused(
                    "cae.deadline", "read", [self.deadline_a.ids, ["note"]], context
                )
                for method in ("action_cancel", "action_reopen", "unlink"):
                    self.assertRefused(
                        "cae.deadline", method, [self.deadline_a.ids], context
                    )
                for deadline in (self.deadline_b, self.staff_deadline_a):
                    self.assertRefused(
                        "cae.deadline", "action_done", [deadline.ids], context
                    )
                self.assertRefused(
                    "cae.deadline",
                    "create",
                    [{"rule_id": self.rule_monthly.id, "state": "done"}],
                    context,
                )
        self.assertEqual(self.snapshot(*deadlines), before)
        # Reading what is theirs still works, without the note.
        read = self.rpc("cae.deadline", "read", [self.deadline_a.ids])
        self.assertNotIn("note", read[0])
        # Marking done: the CAE's day, whatever the context says.
        self.rpc(
            "cae.deadline",
            "action_done",
            [self.deadline_a.ids],
            {"cae_today": "2019-01-01", "cae_state_change": True},
        )
        self.env.invalidate_all()
        self.assertEqual(self.deadline_a.state, "done")
        self.assertEqual(self.deadline_a.done_date, self.company._cae_today())
        self.assertEqual(self.deadline_a.done_by_id, self.entrepreneur_a)

    def test_portal_settings_only_their_own(self):
        self._login(self.entrepreneur_a)
        token_b = self.partner_b._cae_calendar_token()
        for context in OLD_CONTEXTS:
            self.assertRefused(
                "res.partner",
                "cae_set_digest_frequency",
                [self.partner_b.ids, "never"],
                context,
            )
            self.assertRefused(
                "res.partner", "cae_renew_calendar_token", [self.partner_b.ids], context
            )
            self.assertRefused(
                "res.partner",
                "write",
                [self.partner_a.ids, {"cae_digest_frequency": "never"}],
                context,
            )
        self.env.invalidate_all()
        self.assertEqual(self.partner_b.cae_digest_frequency, "weekly")
        self.assertEqual(self.partner_a.cae_digest_frequency, "weekly")
        self.assertEqual(self.partner_b._cae_calendar_token(), token_b)
        self.rpc(
            "res.partner", "cae_set_digest_frequency", [self.partner_a.ids, "daily"]
        )
        self.env.invalidate_all()
        self.assertEqual(self.partner_a.cae_digest_frequency, "daily")

    def test_advisor_cannot_write_states_over_rpc(self):
        self._login(self.advisor)
        before = self.snapshot(self.deadline_a, self.staff_deadline_a)
        for context in OLD_CONTEXTS:
            for deadline in (self.deadline_a, self.staff_deadline_a):
                self.assertRefused(
                    "cae.deadline",
                    "write",
                    [deadline.ids, {"state": "cancelled"}],
                    context,
                )
                self.assertRefused(
                    "cae.deadline",
                    "write",
                    [deadline.ids, {"done_date": "2020-01-01"}],
                    context,
                )
            # An entrepreneur's deadline is theirs to mark done.
            self.assertRefused(
                "cae.deadline", "action_done", [self.deadline_a.ids], context
            )
        self.assertEqual(self.snapshot(self.deadline_a, self.staff_deadline_a), before)
        self.rpc("cae.deadline", "action_done", [self.staff_deadline_a.ids])
        self.env.invalidate_all()
        self.assertEqual(self.staff_deadline_a.state, "done")
        self.assertEqual(self.staff_deadline_a.done_by_id, self.advisor)
