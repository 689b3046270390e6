from odoo import fields, models


class CaeDocumentType(models.Model):
    _name = "cae.document.type"
    _description = "CAE document type"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Stable technical code, used by calendar rules and imports.",
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(
        translate=True,
        help="Shown to the entrepreneur on the portal: what this document is and "
        "where to get it.",
    )
    validity_required = fields.Boolean(
        string="Has an expiry date",
        default=True,
        help="Insurance certificates expire; a contract or a registration may not.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A document type code must be unique."),
    ]
