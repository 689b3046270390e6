from odoo import api, fields, models
from odoo.exceptions import ValidationError

# VAT rates in force in France (economie.gouv.fr), as stored on categories and lines.
VAT_RATES = [
    ("20", "20 %"),
    ("10", "10 %"),
    ("5.5", "5.5 %"),
    ("2.1", "2.1 %"),
    ("0", "0 % (no VAT)"),
]


class CaeExpenseCategory(models.Model):
    _name = "cae.expense.category"
    _description = "Expense category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        string="Help for entrepreneurs",
        translate=True,
        help="Shown when an entrepreneur chooses this category: say in plain words "
        "what goes in it.",
    )
    kind = fields.Selection(
        [
            ("overheads", "Overheads"),
            ("purchases", "Purchases for the activity"),
        ],
        required=True,
        default="overheads",
    )
    vat_rate = fields.Selection(
        VAT_RATES,
        string="Default VAT rate",
        required=True,
        default="20",
        help="Proposed on each expense of this category; the entrepreneur can "
        "change it to the rate printed on the receipt.",
    )
    account_code = fields.Char(
        string="Expense account",
        required=True,
        help="Chart-of-accounts code the amount excluding VAT is exported to.",
    )
    vat_account_code = fields.Char(
        string="Deductible VAT account",
        required=True,
        default="44566",
    )
    receipt_required = fields.Boolean(
        default=True,
        help="A receipt must be attached to each expense of this category.",
    )
    is_mileage = fields.Boolean(
        string="Mileage",
        help="Trips with a personal vehicle: the amount comes from the mileage "
        "scale, without VAT.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the category between all companies.",
    )

    @api.constrains("is_mileage", "vat_rate")
    def _check_mileage_vat(self):
        for category in self:
            if category.is_mileage and category.vat_rate != "0":
                raise ValidationError(
                    self.env._(
                        "Mileage allowances carry no VAT: set the rate of “%(name)s” "
                        "to 0 %%.",
                        name=category.name,
                    )
                )
