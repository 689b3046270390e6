from odoo import api, fields, models
from odoo.exceptions import ValidationError

# How a figure is computed. "accounts" sums the books; the others read documents
# the books cannot tell apart by account (an invoice's payment, a report's due).
FIGURE_KINDS = [
    ("accounts", "Sum of the activity's entries on these accounts"),
    ("collected", "Collected on the activity's customer invoices"),
    ("unpaid", "Invoiced to customers, not yet collected"),
    ("reimbursements", "Expense reimbursements not yet paid"),
    ("contribution", "CAE contribution (the activity's rate × turnover)"),
    ("balance", "Available balance"),
]
FIGURE_FAMILIES = [
    ("turnover", "Turnover"),
    ("charges", "Charges"),
    ("treasury", "Treasury"),
]


class CaeFigure(models.Model):
    """One figure of "Mon activité en chiffres", defined as data so that each CAE
    adjusts names, explanations and accounts without code (autonomie #767)."""

    _name = "cae.figure"
    _description = "Activity figure"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical key the dashboard and the consolidated table use "
        "(turnover, charges_purchases…).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty for every company of the cooperative.",
    )
    explanation = fields.Text(
        required=True,
        translate=True,
        help="One sentence in plain words, shown to the entrepreneur under the figure.",
    )
    kind = fields.Selection(FIGURE_KINDS, required=True, default="accounts")
    family = fields.Selection(FIGURE_FAMILIES, required=True, default="charges")
    account_prefixes = fields.Char(
        help="Account code prefixes, separated by commas (70 for sales; 61,62 for "
        "external services). Entries on an account starting with one of them count.",
    )
    sign = fields.Selection(
        [
            ("credit", "Credit minus debit (income)"),
            ("debit", "Debit minus credit (charges)"),
        ],
        required=True,
        default="debit",
    )
    show_on_home = fields.Boolean(
        string="On the portal home",
        help="Shown on the entrepreneur's portal home, not only on the activity's "
        "figures page.",
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "UNIQUE(code, company_id)",
            "Each figure's code is unique within a company.",
        ),
    ]

    def _prefixes(self):
        """The account code prefixes, cleaned: ["61", "62"]."""
        self.ensure_one()
        return [
            prefix.strip()
            for prefix in (self.account_prefixes or "").split(",")
            if prefix.strip()
        ]

    @api.constrains("kind", "account_prefixes")
    def _check_prefixes(self):
        for figure in self:
            prefixes = figure._prefixes()
            if figure.kind in ("accounts", "balance") and not prefixes:
                raise ValidationError(
                    self.env._(
                        "The figure “%(name)s” adds up accounts: give the account "
                        "code prefixes it counts (for example 70, or 61,62).",
                        name=figure.name,
                    )
                )
            bad = [prefix for prefix in prefixes if not prefix.isdigit()]
            if bad:
                raise ValidationError(
                    self.env._(
                        "“%(prefix)s” is not an account code prefix: use digits "
                        "separated by commas (for example 61,62).",
                        prefix=bad[0],
                    )
                )
