"""The support team's backend (issue 9, findings 8 and 9): each role lands on its
own page of the CAE app and every menu it sees opens; the accountant's dialogs
propose what is to be done; the managers' "now" buttons and settings."""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, tagged

from .common import PNG_BYTES, CaeHttpMixin
from .expense_common import CaeExpenseCommon

STAFF_HOMES = {
    "manager": ("cae.deadline", "What needs me"),
    "advisor": ("cae.activity", "My entrepreneurs"),
    "accountant": ("cae.expense.report", "To approve"),
}


@tagged("post_install", "-at_install")
class TestBackendDesk(CaeExpenseCommon):
    def test_home_action_per_role(self):
        """Finding 8: the app opened on a model the accountant cannot read."""
        for role, (model, name) in STAFF_HOMES.items():
            user = getattr(self, role)
            action = self.env.ref("gestions_radieuses.action_cae_home")
            result = action.with_user(user).run()
            self.assertEqual(result["res_model"], model, role)
            self.assertEqual(result["name"], name, role)
            self.env[model].with_user(user).check_access("read")
        root = self.env.ref("gestions_radieuses.menu_cae_root")
        self.assertEqual(root.action.id, action.id)
        for user in (self.internal, self.entrepreneur_a):
            with self.assertRaises(AccessError):
                self.env.ref("gestions_radieuses.action_cae_home").with_user(user).run()
        # The demo support team starts on it instead of Discuss.
        demo = self.env.ref(
            "gestions_radieuses.user_accountant_demo", raise_if_not_found=False
        )
        if demo:
            self.assertEqual(demo.action_id.id, action.id)

    def test_every_menu_opens_for_every_role(self):
        """Each menu a role sees opens a model it may read, and its views load."""
        for role in STAFF_HOMES:
            user = getattr(self, role)
            Menu = self.env["ir.ui.menu"].with_user(user)
            menus = Menu.browse(Menu._visible_menu_ids()).filtered(
                lambda m: m.get_external_id()[m.id].startswith("gestions_radieuses.")
            )
            self.assertIn(self.env.ref("gestions_radieuses.menu_cae_root"), menus)
            for menu in menus.filtered("action"):
                action = menu.action.sudo()
                if action._name != "ir.actions.act_window":
                    continue
                Model = self.env[action.res_model].with_user(user)
                Model.check_access("read")
                views = Model.get_views(
                    [(False, mode) for mode in action.view_mode.split(",")]
                )
                fields = set()
                for view in views["views"].values():
                    arch = etree.fromstring(view["arch"])
                    fields |= {node.get("name") for node in arch.iter("field")}
                fields &= set(Model._fields)
                if not Model._transient:
                    Model.search_read([], sorted(fields), limit=5)
        # The activity lists show the interview counts (not the log) to all staff.
        rows = (
            self.env["cae.activity"]
            .with_user(self.accountant)
            .search_read(
                [("interview_missing", "=", True)],
                ["interview_count_12m", "interview_missing"],
            )
        )
        self.assertTrue(rows)
        with self.assertRaises(AccessError):
            self.env["cae.accompaniment"].with_user(self.accountant).search([])

    def test_accountant_menus(self):
        Menu = self.env["ir.ui.menu"].with_user(self.accountant)
        visible = Menu.browse(Menu._visible_menu_ids())
        self.assertIn(
            self.env.ref("gestions_radieuses.cae_expense_export_wizard_menu"), visible
        )
        self.assertNotIn(
            self.env.ref("gestions_radieuses.cae_accompaniment_menu"), visible
        )
        self.assertNotIn(
            self.env.ref("gestions_radieuses.menu_cae_configuration"), visible
        )
        visible = Menu.with_user(self.manager).browse(
            Menu.with_user(self.manager)._visible_menu_ids()
        )
        self.assertIn(self.env.ref("gestions_radieuses.cae_settings_menu"), visible)

    def _approved_report(self, amount, day):
        line = self._line(amount_total=amount, date=day)
        report = line.report_id
        report.action_submit()
        report.with_user(self.accountant).action_approve()
        return report

    def test_payment_defaults_to_what_remains(self):
        """Finding 9: the dialog opened at 0,00 while 116,41 € remained."""
        report = self._approved_report(116.41, self.today)
        action = report.with_user(self.accountant).action_register_payment()
        form = self._wizard_form(action, self.accountant)
        self.assertAlmostEqual(form.amount_residual, 116.41, 2)
        self.assertAlmostEqual(form.amount, 116.41, 2)
        form.amount = 16.41
        form.save().action_pay()
        self.assertEqual(report.state, "partial")
        action = report.with_user(self.accountant).action_register_payment()
        form = self._wizard_form(action, self.accountant)
        self.assertAlmostEqual(form.amount, 100.0, 2)
        form.save().action_pay()
        self.assertEqual(report.state, "paid")

    @freeze_time("2026-03-10")
    def test_export_defaults_to_what_waits(self):
        """Finding 9: the export proposed a month with nothing to export."""
        Wizard = self.env["cae.expense.export.wizard"].with_user(self.accountant)
        # The demo's reports are out of the way (as superuser: not a user's write).
        self.Report.sudo().search([("exported", "=", False)]).write({"exported": True})
        # Nothing waits: last month, as before.
        defaults = Wizard.default_get(["date_from", "date_to"])
        self.assertEqual(defaults["date_from"], date(2026, 2, 1))
        self.assertEqual(defaults["date_to"], date(2026, 2, 1))
        self._approved_report(40.0, date(2025, 12, 12))
        self._approved_report(30.0, date(2026, 1, 20))
        self._line(amount_total=5.0, date=date(2026, 2, 3))  # draft: not exported
        form = Form(Wizard)
        self.assertEqual(form.date_from, date(2025, 12, 1))
        self.assertEqual(form.date_to, date(2026, 1, 1))
        self.assertEqual(form.report_count, 2)
        wizard = form.save()
        action = wizard.action_export()
        # Downloaded, then the dialog closes (core's shape, account.move.send).
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["close"])
        self.assertIn("download=true", action["url"])
        defaults = Wizard.default_get(["date_from", "date_to"])
        self.assertEqual(defaults["date_from"], date(2026, 2, 1))

    def test_duplicate_says_which_line(self):
        """Finding 9: "same receipt file" did not say which other line."""
        line_a = self._line(amount_total=12.0, name="Paper")
        line_b = self._line(amount_total=30.0, name="Ink")
        for line in line_a | line_b:
            self.env["ir.attachment"].create(
                {
                    "name": "r.png",
                    "raw": PNG_BYTES,
                    "res_model": "cae.expense.line",
                    "res_id": line.id,
                }
            )
        reason = line_a.with_user(self.accountant).duplicate_reason
        self.assertIn("same receipt file as “Ink”", reason)
        self.assertIn(line_b.report_id.name, reason)
        self.assertNotIn("Paper", reason)

    def test_now_buttons_managers_only(self):
        for method, xmlid in (
            ("action_cae_generate_now", "ir_cron_cae_deadline_generate"),
            ("action_cae_send_digests_now", "ir_cron_cae_deadline_digest"),
        ):
            cron = self.env.ref(f"gestions_radieuses.{xmlid}")
            Trigger = self.env["ir.cron.trigger"].sudo()
            before = Trigger.search_count([("cron_id", "=", cron.id)])
            for user in (self.advisor, self.accountant, self.internal):
                with self.assertRaises(AccessError):
                    getattr(self.env["cae.deadline"].with_user(user), method)()
            self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before)
            result = getattr(self.env["cae.deadline"].with_user(self.manager), method)()
            self.assertEqual(result["tag"], "display_notification")
            self.assertEqual(
                Trigger.search_count([("cron_id", "=", cron.id)]), before + 1
            )

    def test_settings_for_managers(self):
        """Finding 9: the manager could not open the settings (administrators'
        res.config.settings): their own form, saved on their company."""
        Settings = self.env["cae.settings"].with_user(self.manager)
        form = Form(Settings)
        self.assertEqual(form.cae_deadline_horizon_months, 12)
        form.cae_deadline_horizon_months = 6
        form.cae_expense_journal_code = "ND"
        self.assertEqual(form.cae_late_expense_policy, "complement")
        form.cae_late_expense_policy = "next_month"
        form.save().action_save()
        self.assertEqual(self.company.cae_deadline_horizon_months, 6)
        self.assertEqual(self.company.cae_expense_journal_code, "ND")
        self.assertEqual(self.company.cae_late_expense_policy, "next_month")
        for user in (self.accountant, self.advisor):
            with self.assertRaises(AccessError):
                self.env["cae.settings"].with_user(user).create({})
        # Another company's manager cannot write this one.
        other = (
            self.env["cae.settings"]
            .with_user(self.other_company)
            .create({"company_id": self.company.id, "cae_expense_journal_code": "XX"})
        )
        with self.assertRaises(AccessError):
            other.action_save()
        self.assertEqual(self.company.cae_expense_journal_code, "ND")

    def test_form_fields_have_labels(self):
        """Every field a person types in, on the module's forms and wizards, has
        a label: in a group, or a <label for> of its own."""
        views = self.env["ir.ui.view"].search(
            [("type", "=", "form"), ("model", "=like", "cae.%")]
        )
        for view in views:
            arch = etree.fromstring(view.arch)
            labels = {label.get("for") for label in arch.iter("label")}
            for node in arch.iter("field"):
                ancestors = {a.tag for a in node.iterancestors()}
                classes = " ".join(a.get("class") or "" for a in node.iterancestors())
                if (
                    ancestors
                    & {"group", "list", "kanban", "header", "button", "h1", "page"}
                    or "alert" in classes
                    or "oe_title" in classes
                    or node.get("invisible") in ("1", "True")
                ):
                    continue
                self.assertIn(
                    node.get("name"), labels, f"{view.name}: {node.get('name')}"
                )


@tagged("post_install", "-at_install")
class TestBackendRpc(CaeExpenseCommon, CaeHttpMixin, HttpCase):
    def test_now_buttons_refused_over_rpc(self):
        crons = self.env.ref(
            "gestions_radieuses.ir_cron_cae_deadline_generate"
        ) | self.env.ref("gestions_radieuses.ir_cron_cae_deadline_digest")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "in", crons.ids)])
        for user in (self.entrepreneur_a, self.accountant):
            self._login(user)
            for method in ("action_cae_generate_now", "action_cae_send_digests_now"):
                self.assertRefused("cae.deadline", method, [[]])
            self.assertRefused("cae.settings", "create", [{}])
            self.assertRefused("res.users", "_cae_home_action", [])
        self.assertEqual(Trigger.search_count([("cron_id", "in", crons.ids)]), before)
        self._login(self.manager)
        result = self.rpc("cae.deadline", "action_cae_send_digests_now", [[]])
        self.assertEqual(result["tag"], "display_notification")


@tagged("post_install", "-at_install")
class TestBackendTours(CaeExpenseCommon, HttpCase):
    """Each staff role opens the CAE app and its main menus with no error (a
    failed RPC, an access error dialog or a console error fails the tour)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        home = cls.env.ref("gestions_radieuses.action_cae_home")
        (cls.manager | cls.advisor | cls.accountant).action_id = home.id
        line = cls._line(amount_total=42.0, name="Tour receipt")
        line.report_id.action_submit()

    def test_tour_manager(self):
        self.start_tour("/odoo", "cae_backend_manager", login="cae_manager")

    def test_tour_advisor(self):
        self.start_tour("/odoo", "cae_backend_advisor", login="cae_advisor")

    def test_tour_accountant(self):
        self.start_tour("/odoo", "cae_backend_accountant", login="cae_accountant")
