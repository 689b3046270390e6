import base64
import binascii
import secrets
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import DOCUMENT_MIMETYPES, check_upload, check_uploaded_attachments
from ..tools.cron_batches import read_cursor, write_cursor
from ..tools.form_errors import CaeFormError, typed_id
from ..tools.held_files import held_files, hold_files
from ..tools.protected_fields import check_protected_fields
from ..tools.uploads import upload_max_mb

# Documents whose status is refreshed per run of the cron's server action.
STATUS_BATCH = 1000
STATUS_CURSOR_PARAM = "gestions_radieuses.document_status_cursor"

# A document is "expiring" this many days before its validity ends.
EXPIRY_WARNING_DAYS = 30
# A validity date further than this from today is a typing mistake, not a document.
MAX_VALIDITY_YEARS = 10
# Longest note an entrepreneur may write with a document.
NOTE_SIZE = 200
# A file sent with a form the model refused is kept, so that it need not be
# picked again: an attachment of no record, found again by the caller's token.
# Fields only the module's own code writes (a new document replaces the old).
OWNED_FIELDS = ("replaced_by_id", "replaced_date")


class CaeActivityDocument(models.Model):
    _name = "cae.activity.document"
    _description = "Activity document"
    _inherit = ["mail.thread", "cae.deadline.source"]
    _order = "type_id, date_until desc, id desc"
    _check_company_auto = True
    # A valid document closes the deadline waiting for it; its expiry sets the next.
    _cae_deadline_fields = frozenset({"file", "date_until", "type_id", "activity_id"})
    _cae_closing_event = "document_uploaded"
    _cae_deadline_recurrence = "document_expiry"

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
        related="activity_id.company_id",
        store=True,
        index=True,
        precompute=True,
        readonly=True,
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
            ("replaced", "Replaced"),
        ],
        compute="_compute_status",
        store=True,
        index=True,
        readonly=True,
        help="Recomputed every night: expiring means within 30 days.",
    )
    replaced_by_id = fields.Many2one(
        "cae.activity.document",
        string="Replaced by",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The newer document of the same kind that took this one's place.",
    )
    replaced_date = fields.Date(string="Replaced on", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Writes: the status is computed, the portal writes through portal_upload
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, owned=OWNED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_protected_fields(self, vals, owned=OWNED_FIELDS)
        return super().write(vals)

    def _cae_close_deadlines(self):
        # Which deadlines a document closes depends on its type and expiry.
        self.env["cae.deadline"]._close_by_documents(self)

    def _cae_replace_previous(self):
        """A new file sent from the portal replaces the activity's earlier
        documents of that kind: they are kept (history) but shown "Replaced on
        …", not "Valid" next to the new one. Earlier means valid until the same
        day or before, or without an end date; a certificate sent late for a
        past year replaces nothing newer. Only certificates (kinds with an end
        date) replace: two contracts or two "other documents" are both kept as
        they are, whoever filed them."""
        new = self.filtered(lambda d: d.file and d.type_id.validity_required)
        if not new:
            return
        candidates = self.sudo().search(
            [
                ("activity_id", "in", new.activity_id.ids),
                ("type_id", "in", new.type_id.ids),
                ("replaced_by_id", "=", False),
                ("id", "not in", self.ids),
            ]
        )
        # Sent late (an earlier certificate than one already here): it is the
        # one replaced, by the newer one.
        for document in new:
            newer = candidates.filtered(
                lambda c, d=document: (
                    c.activity_id == d.activity_id
                    and c.type_id == d.type_id
                    and c.file
                    and c.date_until
                    and d.date_until
                    and c.date_until > d.date_until
                )
            )
            if newer:
                newest = newer.sorted(lambda c: (c.date_until, c.id))[-1]
                document.sudo().write(
                    {
                        "replaced_by_id": newest.id,
                        "replaced_date": newest.company_id._cae_today(),
                    }
                )
        new = new.filtered(lambda d: not d.replaced_by_id)
        by_kind = new.grouped(lambda d: (d.activity_id, d.type_id))
        for old in candidates:
            newer = by_kind.get((old.activity_id, old.type_id), self.browse()).filtered(
                lambda d, old=old: (
                    not d.date_until
                    or not old.date_until
                    or old.date_until <= d.date_until
                )
            )
            if newer:
                newest = newer.sorted(lambda d: (d.date_until or date.max, d.id))[-1]
                old.write(
                    {
                        "replaced_by_id": newest.id,
                        "replaced_date": newest.company_id._cae_today(),
                    }
                )

    @api.model
    def cae_portal_upload(
        self,
        activity_id,
        type_id,
        file_content,
        file_name,
        *,
        date_from=None,
        date_until=None,
        note=None,
        kept_file=None,
    ):
        """An entrepreneur sends a document of one of their activities.

        ``file_content`` is the file in base64 (as Odoo's binary fields), dates
        are ISO strings. Without a file, ``kept_file`` (the token of a file the
        caller sent with a refused form, see _cae_keep_upload) gives it.
        Checks that the caller runs the activity (record rules
        of the portal), the type, the dates and, through the document's own
        constraint (the shared upload validator), the file's real type and size;
        then creates the document with sudo() from these fields only.
        Raises CaeFormError ({form field: message}) on bad input.
        """
        activity_sudo = self._cae_upload_activity(activity_id)
        kept = self.env["ir.attachment"]
        if not file_content and kept_file:
            kept = self._cae_kept_upload(activity_sudo, kept_file)
            file_content, file_name = kept.datas, kept.name
        vals, errors = self._cae_upload_values(
            type_id, file_content, date_from, date_until
        )
        if errors:
            raise CaeFormError(errors)
        try:
            # The document's constraint runs the shared upload validator (type
            # from the content, size): a refused file leaves nothing behind.
            with self.env.cr.savepoint():
                document = (
                    self.sudo()
                    .with_context(mail_create_nolog=True, mail_notrack=True)
                    .create(
                        {
                            **vals,
                            "activity_id": activity_sudo.id,
                            "file_name": str(file_name or "document")[:255],
                            "note": str(note or "")[:NOTE_SIZE],
                        }
                    )
                )
        except ValidationError as error:
            raise CaeFormError({"file": str(error.args[0])}) from error
        kept.unlink()
        document._cae_replace_previous()
        activity_sudo.message_post(
            body=self.env._(
                "New document sent from the portal: %(document)s",
                document=document.display_name,
            ),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        return document.id

    @api.model
    def _cae_keep_upload(self, activity_id, file_name, data):
        """Keep a file sent with a form that was refused for another reason, so
        that the entrepreneur does not pick it again: returns a token for the
        form, or None when the file itself is refused (it is not kept). Called
        by the portal route after the refusal (its savepoint undid everything);
        only the same user, for the same activity, finds it again."""
        activity_sudo = self._cae_upload_activity(activity_id)
        try:
            check_upload(
                self.env,
                data,
                DOCUMENT_MIMETYPES,
                upload_max_mb(activity_sudo.company_id),
                name=file_name,
            )
        except ValidationError:
            return None
        token = secrets.token_urlsafe(16)
        hold_files(
            self.env, self._name, f"{activity_sudo.id}:{token}", [(file_name, data)]
        )
        return token

    @api.model
    def _cae_kept_upload(self, activity_sudo, token):
        """The file the caller kept for this activity under ``token`` (sudo), or
        an empty recordset."""
        if not isinstance(token, str) or not token.isascii() or len(token) > 64:
            return self.env["ir.attachment"]
        return held_files(self.env, self._name, f"{activity_sudo.id}:{token}")[:1]

    @api.model
    def _cae_upload_activity(self, activity_id):
        """The activity (sudo) if the caller may send it a document."""
        user = self.env.user
        activity = self.env["cae.activity"]
        if typed_id(activity_id):
            activity = activity.browse(typed_id(activity_id)).exists()
        if not activity:
            raise AccessError(self.env._("This activity does not exist."))
        # Portal record rules: only the activity's entrepreneurs read it.
        activity.check_access("read")
        if user.share:
            if not activity._cae_is_member(user):
                raise AccessError(
                    self.env._("You can only send documents for your own activity.")
                )
        else:
            self.check_access("create")
        if not activity.sudo().active:
            raise UserError(
                self.env._("This activity is closed: it takes no more documents.")
            )
        return activity.sudo()

    @api.model
    def _cae_upload_values(self, type_id, file_content, date_from, date_until):
        """({field: value}, {form field: error}) from what the form sent."""
        errors = {}
        doc_type = self.env["cae.document.type"]
        type_id = typed_id(type_id)
        if type_id:
            doc_type = doc_type.sudo().browse(type_id).exists()
        if not doc_type or not doc_type.active:
            errors["type_id"] = self.env._("Choose what kind of document this is.")
        try:
            date_from = fields.Date.to_date(date_from or None)
            date_until = fields.Date.to_date(date_until or None)
        except (TypeError, ValueError):
            errors["date_until"] = self.env._(
                "Enter dates as shown, for example 2027-03-31."
            )
        else:
            if doc_type.validity_required and not date_until:
                errors["date_until"] = self.env._(
                    "Enter the date until which this document is valid: it is "
                    "written on it."
                )
            elif date_from and date_until and date_until < date_from:
                errors["date_until"] = self.env._(
                    "The end of validity cannot be before its start."
                )
            today = self.env.company._cae_today()
            if date_from and date_from < today - relativedelta(
                years=MAX_VALIDITY_YEARS * 2
            ):
                errors["date_from"] = self.env._(
                    "Check the start of validity: %(date)s is too long ago.",
                    date=date_from,
                )
            if date_until and date_until > today + relativedelta(
                years=MAX_VALIDITY_YEARS
            ):
                errors["date_until"] = self.env._(
                    "Check the end of validity: a document valid beyond %(years)s "
                    "years is unusual. If it never expires, leave the date empty.",
                    years=MAX_VALIDITY_YEARS,
                )
        try:
            data = base64.b64decode(file_content or b"", validate=True)
        except (TypeError, ValueError, binascii.Error):
            data = b""
        if not data:
            errors["file"] = self.env._("Choose a file to send (it cannot be empty).")
        return {
            "type_id": doc_type.id,
            "date_from": date_from or False,
            "date_until": date_until or False,
            "file": base64.b64encode(data),
        }, errors

    @api.depends("file", "date_until", "replaced_by_id")
    def _compute_status(self):
        for document in self:
            document.status = document._status_on(document.company_id._cae_today())

    def _status_on(self, day):
        if self.replaced_by_id:
            return "replaced"
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
    def _cron_refresh_status(self, batch_size=STATUS_BATCH):
        """Statuses depend on today's date: move the ones that changed overnight.

        One call is one batch of documents, in id order after the day's bookmark
        (tools/cron_batches.py); ir.cron commits it and calls again while
        ``_notify_progress`` reports remaining documents."""
        # One day more: the CAEs' days differ by at most one; each status is then
        # computed on its own company's day.
        today = self.env.company._cae_today()
        limit = today + timedelta(days=EXPIRY_WARNING_DAYS + 1)
        last_id = read_cursor(self.env, STATUS_CURSOR_PARAM, today)
        domain = [
            ("status", "in", ("valid", "expiring")),
            ("date_until", "<=", limit),
            ("id", ">", last_id),
        ]
        documents = self.search(domain, order="id", limit=batch_size)
        remaining = 0
        if len(documents) == batch_size:
            remaining = self.search_count([*domain[:2], ("id", ">", documents[-1].id)])
        documents._compute_status()
        write_cursor(
            self.env,
            STATUS_CURSOR_PARAM,
            today,
            documents[-1].id if remaining else None,
        )
        self.env["ir.cron"]._notify_progress(done=len(documents), remaining=remaining)
