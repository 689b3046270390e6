from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import DOCUMENT_MIMETYPES, check_uploaded_attachments

# A document is "expiring" this many days before its validity ends.
EXPIRY_WARNING_DAYS = 30


class CaeActivityDocument(models.Model):
    _name = "cae.activity.document"
    _description = "Activity document"
    _inherit = ["mail.thread"]
    _order = "type_id, date_until desc, id desc"
    _check_company_auto = True

    activity_id = fields.Many2one(
        "cae.activity",
        required=True,
        index=True,
        # Archive an activity rather than delete it: its records are kept 10 years.
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="activity_id.company_id", store=True, index=True, precompute=True
    )
    entrepreneur_id = fields.Many2one(related="activity_id.entrepreneur_id")
    type_id = fields.Many2one(
        "cae.document.type",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
    )
    type_code = fields.Char(related="type_id.code")
    note = fields.Char()
    file = fields.Binary(attachment=True, copy=False)
    file_name = fields.Char()
    date_from = fields.Date(string="Valid from", tracking=True)
    date_until = fields.Date(string="Valid until", tracking=True, index=True)
    status = fields.Selection(
        [
            ("valid", "Valid"),
            ("expiring", "Expiring soon"),
            ("expired", "Expired"),
            ("missing", "Missing file"),
        ],
        compute="_compute_status",
        store=True,
        index=True,
        help="Recomputed every night: expiring means within 30 days.",
    )

    @api.depends("file", "date_until")
    def _compute_status(self):
        for document in self:
            document.status = document._status_on(document.company_id._cae_today())

    def _status_on(self, day):
        if not self.file:
            return "missing"
        if not self.date_until:
            return "valid"
        if self.date_until < day:
            return "expired"
        if self.date_until <= day + timedelta(days=EXPIRY_WARNING_DAYS):
            return "expiring"
        return "valid"

    @api.depends("type_id", "date_until")
    def _compute_display_name(self):
        for document in self:
            name = document.type_id.name or ""
            if document.date_until:
                name = self.env._(
                    "%(type)s (until %(date)s)",
                    type=name,
                    date=fields.Date.to_string(document.date_until),
                )
            document.display_name = name

    @api.constrains("date_from", "date_until")
    def _check_dates(self):
        for document in self:
            if (
                document.date_from
                and document.date_until
                and document.date_until < document.date_from
            ):
                raise ValidationError(
                    self.env._(
                        "The document “%(document)s” cannot be valid until "
                        "%(until)s, before it is valid from %(from)s.",
                        document=document.type_id.name,
                        until=document.date_until,
                        **{"from": document.date_from},
                    )
                )

    @api.constrains("file", "type_id", "date_until")
    def _check_file(self):
        for document in self:
            if (
                document.file
                and document.type_id.validity_required
                and not document.date_until
            ):
                raise ValidationError(
                    self.env._(
                        "Enter the date until which the “%(type)s” is valid: it is "
                        "written on the certificate.",
                        type=document.type_id.name,
                    )
                )
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_field", "=", "file"),
                    ("res_id", "in", self.ids),
                ]
            )
        )
        for company, company_attachments in attachments.grouped(
            lambda a: self.browse(a.res_id).company_id
        ).items():
            check_uploaded_attachments(
                self.env, company_attachments, DOCUMENT_MIMETYPES, company
            )

    @api.model
    def _cron_refresh_status(self):
        """Statuses depend on today's date: move the ones that changed overnight."""
        # One day more: the CAEs' days differ by at most one; each status is then
        # computed on its own company's day.
        limit = self.env.company._cae_today() + timedelta(days=EXPIRY_WARNING_DAYS + 1)
        documents = self.search(
            [("status", "in", ("valid", "expiring")), ("date_until", "<=", limit)]
        )
        documents._compute_status()
