"""Fixtures shared by the expense tests: categories, a helper to add lines."""

from odoo.tests import Form

from .common import CaeCommon, CaeHttpMixin

# What an entrepreneur gives when adding an expense (portal_add_expense's values).
PORTAL_LINE_FIELDS = {
    "activity_id",
    "category_id",
    "date",
    "name",
    "amount_total",
    "vat_rate",
    "amount_vat",
    "distance_km",
    "trip_from",
    "trip_to",
}


class CaeExpenseCommon(CaeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.cat_receptions = ref("gestions_radieuses.expense_category_receptions")
        cls.cat_supplies = ref("gestions_radieuses.expense_category_office_supplies")
        cls.cat_documentation = ref("gestions_radieuses.expense_category_documentation")
        cls.cat_mileage = ref("gestions_radieuses.expense_category_mileage")
        cls.Line = cls.env["cae.expense.line"]
        cls.Report = cls.env["cae.expense.report"]
        cls.today = cls.env.company._cae_today()
        # Tests with trips dated today keep working once 2026 is over: the CAE adds
        # each year's scale as data; here the last shipped one stands in for it.
        Scale = cls.env["cae.mileage.scale"]
        if not Scale.search_count([("year", "=", cls.today.year)]):
            for scale in Scale.search([("year", "=", 2026)]):
                scale.copy({"year": cls.today.year})

    @classmethod
    def _line(cls, activity=None, user=None, **vals):
        values = {
            "activity_id": (activity or cls.activity_a).id,
            "category_id": cls.cat_supplies.id,
            "amount_total": 10.0,
            "date": cls.env.company._cae_today(),
            **vals,
        }
        if user and user.share and set(values) <= PORTAL_LINE_FIELDS:
            # Entrepreneurs add expenses through their method, never by create().
            return cls.Line.with_user(user).portal_add_expense(**values)
        Line = cls.Line.with_user(user) if user else cls.Line
        return Line.create(values)

    def _refuse(self, report, reason, user=None):
        """Refuse as an accountant does: the button opens the wizard, which asks the
        reason and refuses."""
        user = user or self.accountant
        action = report.with_user(user).action_refuse()
        wizard = self._wizard_form(action, user)
        wizard.reason = reason
        return wizard.save().action_refuse()

    def _register_payment(self, report, amount=None, user=None):
        """Pay as an accountant does, through the wizard; without an amount, what
        the wizard proposes (what is left to settle)."""
        user = user or self.accountant
        action = report.with_user(user).action_register_payment()
        wizard = self._wizard_form(action, user)
        if amount is not None:
            wizard.amount = amount
        return wizard.save().action_pay()

    def _wizard_form(self, action, user):
        """The wizard a button opened, as the web client shows it."""
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["target"], "new")
        model = self.env[action["res_model"]].with_user(user)
        return Form(model.with_context(**action["context"]))


class CaeExpenseHttpMixin(CaeHttpMixin):
    def _new_expense(self, files=None, **extra):
        """Post the portal's expense form for entrepreneur A's activity."""
        data = {
            "activity_id": self.activity_a.id,
            "category_id": self.cat_supplies.id,
            "amount_total": "12,50",
            "date": str(self.today),
            "mileage": "0",
            **extra,
        }
        return self._post("/my/expenses/new", data, files=files)
