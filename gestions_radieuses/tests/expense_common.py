"""Fixtures shared by the expense tests: categories, a helper to add lines."""

from .common import CaeCommon

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
