"""The entrepreneur's expense actions and the portal's forms behind them.

Portal users have read access only: these methods are what they can do (from the
portal pages, or over JSON-RPC with the same checks). Each checks who calls, whose
line it is and its state, then writes an explicit list of fields as superuser.
"""

import math
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tools.misc import get_lang

from ..tools import RECEIPT_MIMETYPES, check_upload
from ..tools.form_errors import MAX_ID, CaeFormError, typed_id
from ..tools.held_files import held_files, hold_files
from ..tools.uploads import upload_max_mb
from .cae_expense_line import MAX_LINE_AMOUNT, MAX_RECEIPTS_PER_LINE

# The portal form's amount and kilometres, as typed on a phone (comma or dot).
AMOUNT_RE = re.compile(r"^\d{1,7}([.,]\d{1,2})?$")
KM_RE = re.compile(r"^\d{1,5}([.,]\d)?$")
# Receipts kept after a form error are held by the form's one-time token.
HELD_TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


class CaeExpenseLine(models.Model):
    # One concern per file, as account splits its models.
    _inherit = "cae.expense.line"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # The entrepreneur's actions (portal pages, or JSON-RPC: the same checks).
    # Portal users have read access only; these methods check who calls, whose
    # line it is and its state, then write an explicit list of fields as superuser.
    # ------------------------------------------------------------------
    @api.model
    def _portal_browse(self, model_name, record_id):
        """The record of that id, or a MissingError for an id that is not one."""
        if (
            isinstance(record_id, bool)
            or not isinstance(record_id, int)
            or not 0 < record_id <= MAX_ID
        ):
            raise MissingError(self.env._("This record does not exist."))
        record = self.env[model_name].browse(record_id)
        if not record.sudo().exists():
            raise MissingError(self.env._("This record does not exist."))
        return record

    @api.model
    def _portal_check_member(self, activity):
        """The caller runs the activity (its membership): AccessError otherwise."""
        user = self.env.user
        if not user.share or not activity._cae_is_member(user):
            raise AccessError(
                self.env._("You can only enter expenses for your own activity.")
            )
        activity.with_user(user).check_access("read")
        activity.sudo()._cae_check_open_for_expenses()

    def _portal_check_line(self):
        """One line of the caller's activity, in a report still open to changes."""
        if len(self) != 1:
            raise UserError(self.env._("Choose one expense at a time."))
        self._portal_browse(self._name, self.id)
        self.with_user(self.env.user).check_access("read")
        self._portal_check_member(self.sudo().activity_id)
        if self.sudo().is_regularisation:
            raise UserError(
                self.env._(
                    "This line was computed by the cooperative (the year's mileage "
                    "regularisation): ask your advisor if it looks wrong."
                )
            )
        self.sudo().report_id._check_editable()

    @api.model
    def _portal_number(self, value, label):
        """A finite number from a caller's value, or a clear error."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not math.isfinite(number):
            raise ValidationError(
                self.env._("%(field)s must be a number.", field=label)
            )
        # Far beyond any expense: refused before rounding it could overflow.
        if abs(number) > MAX_LINE_AMOUNT * 1000:
            raise ValidationError(self.env._("%(field)s is too large.", field=label))
        return number

    @api.model
    def _portal_date(self, value):
        """A date from a caller's value (YYYY-MM-DD), or a clear error."""
        try:
            day = fields.Date.to_date(value)
        except (TypeError, ValueError):
            day = None
        if not day:
            raise ValidationError(
                self.env._("Enter the date as a day of the calendar (YYYY-MM-DD).")
            )
        return day

    def _portal_line_values(
        self,
        category,
        *,
        name=None,
        amount_total=None,
        vat_rate=None,
        amount_vat=None,
        distance_km=None,
        trip_from=None,
        trip_to=None,
    ):
        """The fields an entrepreneur may give, for a line of that category."""
        vals = {}
        if name is not None:
            vals["name"] = str(name).strip()[:200]
        if category.is_mileage:
            if distance_km is not None:
                vals["distance_km"] = self._portal_number(
                    distance_km, self.env._("The distance")
                )
            if trip_from is not None:
                vals["trip_from"] = str(trip_from).strip()[:100]
            if trip_to is not None:
                vals["trip_to"] = str(trip_to).strip()[:100]
            return vals
        if amount_total is not None:
            vals["amount_total"] = self._portal_number(
                amount_total, self.env._("The amount")
            )
        if vat_rate is not None:
            rates = dict(self._fields["vat_rate"].selection)
            if not isinstance(vat_rate, str) or vat_rate not in rates:
                raise ValidationError(self.env._("Choose one of the VAT rates."))
            vals["vat_rate"] = vat_rate
        if amount_vat is not None:
            # Checked between 0 and the amount including VAT by _check_values.
            vals["amount_vat"] = self._portal_number(amount_vat, self.env._("The VAT"))
        return vals

    @api.model
    def _portal_category(self, category_id):
        category = self._portal_browse("cae.expense.category", category_id)
        if not category.with_user(self.env.user).search_count(
            [("id", "=", category.id)]
        ):
            raise MissingError(self.env._("This record does not exist."))
        return category

    @api.model
    @api.returns("self", lambda line: line.id)
    def portal_add_expense(
        self,
        activity_id,
        category_id,
        *,
        date=None,
        name=None,
        amount_total=None,
        vat_rate=None,
        amount_vat=None,
        distance_km=None,
        trip_from=None,
        trip_to=None,
        receipts=None,
        token=None,
    ):
        """An entrepreneur adds an expense (and its receipts) to their activity.

        ``receipts`` is a list of (file name, content) pairs, the content as bytes
        or base64 text. ``token`` is the form's one-time token: the same form sent
        again returns the line it created instead of adding another one.
        """
        activity = self._portal_browse("cae.activity", activity_id)
        self._portal_check_member(activity)
        if token:
            token = str(token)[:64]
            done = self.sudo().search([("submission_token", "=", token)], limit=1)
            if done:
                if done.create_uid != self.env.user:
                    raise AccessError(self.env._("This form has already been sent."))
                return done.with_env(self.env)
        category = self._portal_category(category_id)
        vals = {
            "activity_id": activity.id,
            "category_id": category.id,
            "date": self._portal_date(date)
            if date
            else activity.sudo().company_id._cae_today(),
            "spent_by_id": self.env.user.partner_id.id,
            "submission_token": token or False,
            **self._portal_line_values(
                category,
                name=name,
                amount_total=amount_total,
                vat_rate=vat_rate,
                amount_vat=amount_vat,
                distance_km=distance_km,
                trip_from=trip_from,
                trip_to=trip_to,
            ),
        }
        line = self.sudo().with_context(mail_create_nolog=True).create(vals)
        line = line.with_env(self.env)
        if receipts:
            line._attach_receipts(receipts)
        return line

    def portal_correct_expense(
        self,
        *,
        category_id=None,
        date=None,
        name=None,
        amount_total=None,
        vat_rate=None,
        amount_vat=None,
        distance_km=None,
        trip_from=None,
        trip_to=None,
    ):
        """An entrepreneur corrects their expense in place (same kind of expense:
        an amount stays an amount, a trip a trip). The VAT may be corrected to the
        receipt's, between 0 and the amount including VAT."""
        self._portal_check_line()
        line = self.sudo()
        category = line.category_id
        vals = {}
        if category_id is not None and category_id != category.id:
            category = self._portal_category(category_id)
            if category.is_mileage != line.is_mileage:
                raise ValidationError(
                    self.env._(
                        "A trip stays a trip and a purchase a purchase: remove this "
                        "expense and add it again."
                    )
                )
            vals["category_id"] = category.id
        if date is not None:
            vals["date"] = self._portal_date(date)
        vals.update(
            self._portal_line_values(
                category,
                name=name,
                amount_total=amount_total,
                vat_rate=vat_rate,
                amount_vat=amount_vat,
                distance_km=distance_km,
                trip_from=trip_from,
                trip_to=trip_to,
            )
        )
        if vals:
            line.write(vals)
        return True

    def portal_add_receipts(self, receipts):
        """An entrepreneur adds receipts, [(file name, content)], to their line."""
        self._portal_check_line()
        self._attach_receipts(receipts)
        return True

    def portal_remove_receipts(self, attachment_ids):
        """An entrepreneur removes receipts (ids of this line's) from their line."""
        self._portal_check_line()
        if not isinstance(attachment_ids, (list, tuple)) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in attachment_ids
        ):
            raise ValidationError(self.env._("Choose the receipts to remove."))
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("id", "in", list(attachment_ids)),
                ]
            )
        )
        if len(attachments) != len(set(attachment_ids)):
            raise MissingError(self.env._("This record does not exist."))
        attachments.unlink()
        return True

    def portal_remove_expense(self):
        """An entrepreneur removes their line from an open report."""
        for line in self:
            line._portal_check_line()
        self.sudo().unlink()
        return True

    # ------------------------------------------------------------------
    # The portal's forms: raw values in, the entrepreneur's action called, or
    # CaeFormError ({form field: message}); an id that is not the caller's is a
    # MissingError (the page answers 404, as for a missing one).
    # ------------------------------------------------------------------
    @api.model
    def _portal_add_expense_form(self, form, receipts):
        """The "new expense" form: its values as sent and its files, [(file name,
        content)]; the line added (the same one for a form sent twice)."""
        vals, errors = self._portal_form_values(form)
        activity = self.env["cae.activity"].browse(vals["activity_id"])
        try:
            self._portal_check_receipts(
                receipts, activity.company_id or self.env.company
            )
        except ValidationError as error:
            errors["receipts"] = str(error.args[0])
        if errors:
            raise CaeFormError(errors)
        token = (form.get("submission_token") or "")[:64] or None
        # The photos kept from the same form sent before with a mistake.
        held = self._portal_held_receipts(token)
        line = self.portal_add_expense(
            receipts=[(a.name, a.raw) for a in held] + list(receipts),
            token=token,
            **vals,
        )
        held.unlink()
        return line

    def _portal_where_added(self):
        """Where the line just added went: its month's report ("added"), a
        complementary report of its month, or a later month's report."""
        report = self.sudo().report_id
        if report.complement_number:
            return "added_complement"
        if report.date > self.date.replace(day=1):
            return "added_next"
        return "added"

    @api.model
    def _portal_held_receipts(self, token):
        """The receipts the caller sent with a form refused for another reason,
        kept for the same form sent again (its one-time token); as superuser."""
        token = str(token or "")[:64]
        if not self.env.user.share or not HELD_TOKEN_RE.match(token):
            return self.env["ir.attachment"].sudo()
        return held_files(self.env, self._name, token)

    @api.model
    def _portal_hold_receipts(self, token, receipts):
        """Keep the checked receipts of a form refused for another reason (the
        amount, the date…): the entrepreneur does not pick the photo again."""
        token = str(token or "")[:64]
        if not self.env.user.share or not HELD_TOKEN_RE.match(token):
            return self.env["ir.attachment"]
        held = self._portal_held_receipts(token)
        receipts = list(receipts)[: max(0, MAX_RECEIPTS_PER_LINE - len(held))]
        try:
            self._portal_check_receipts(receipts, self.env.company)
        except ValidationError:
            return self.env["ir.attachment"]
        return hold_files(self.env, self._name, token, receipts)

    def _portal_edit_form_defaults(self):
        """The edit form's values: the line as it is (its report still open)."""
        self._portal_check_line()
        line = self.sudo()
        # Numbers as the person types them (12,90 in French), without grouping:
        # the form reads them back.
        point = get_lang(self.env).decimal_point
        return {
            "activity_id": str(line.activity_id.id),
            "category_id": str(line.category_id.id),
            "date": fields.Date.to_string(line.date),
            "name": line.name or "",
            "amount_total": f"{line.amount_total:.2f}".replace(".", point),
            "vat_rate": line.vat_rate or "",
            "distance_km": f"{line.distance_km:g}".replace(".", point),
            "trip_from": line.trip_from or "",
            "trip_to": line.trip_to or "",
        }

    def _portal_edit_expense_form(self, form, receipts):
        """The edit form of a line: its values as sent, the receipts to remove
        (``remove_receipt_ids``) and the new files, [(file name, content)]."""
        self._portal_check_line()
        line = self.sudo()
        vals, errors = self._portal_form_values(
            {
                **form,
                "activity_id": str(line.activity_id.id),
                "mileage": "1" if line.is_mileage else "0",
            }
        )
        remove_ids = []
        for value in form.get("remove_receipt_ids") or ():
            if not typed_id(str(value)):
                raise MissingError(self.env._("This record does not exist."))
            remove_ids.append(typed_id(str(value)))
        if receipts:
            try:
                self._portal_check_receipts(receipts, line.company_id)
            except ValidationError as error:
                errors["receipts"] = str(error.args[0])
        if errors:
            raise CaeFormError(errors)
        # The photos kept from the same form sent before with a mistake.
        held = self._portal_held_receipts(form.get("submission_token"))
        receipts = [(a.name, a.raw) for a in held] + list(receipts)
        vals.pop("activity_id")
        self.portal_correct_expense(**vals)
        if remove_ids:
            self.portal_remove_receipts(remove_ids)
        if receipts:
            self.portal_add_receipts(receipts)
        held.unlink()
        return True

    def _portal_add_receipts_form(self, receipts):
        """The receipt form of a line: the files sent, [(file name, content)]."""
        if not receipts:
            raise UserError(self.env._("Choose a file to send."))
        self._portal_check_receipts(receipts, self.sudo().company_id)
        return self.portal_add_receipts(receipts)

    @api.model
    def _portal_form_record(self, model_name, value):
        """The record of an id sent by a form, if the caller reads it; empty when
        no id was sent."""
        value = str(value or "").strip()
        if not value:
            return self.env[model_name]
        record = self._portal_browse(model_name, typed_id(value))
        # Another entrepreneur's record and a missing one answer the same.
        if not record.search_count([("id", "=", record.id)]):
            raise MissingError(self.env._("This record does not exist."))
        return record

    @api.model
    def _portal_form_values(self, form):
        """({field: value}, {form field: message}) from the expense form."""
        mileage = form.get("mileage") == "1"
        errors = {}
        activity = self._portal_form_record("cae.activity", form.get("activity_id"))
        if not activity:
            # None chosen: the caller's only activity, if they run just one.
            activities = activity.search([], limit=2)
            activity = activities if len(activities) == 1 else activity
        if not activity:
            errors["activity_id"] = self.env._(
                "Choose the activity this expense is for."
            )
        category = self._portal_form_record(
            "cae.expense.category", form.get("category_id")
        )
        if category.is_mileage != mileage:
            category = category.browse()
        if not category:
            errors["category_id"] = self.env._("Choose what kind of expense it is.")
        try:
            date = fields.Date.to_date(form.get("date") or None)
        except ValueError:
            date = None
        if not date:
            errors["date"] = self.env._("Enter the date, for example 2026-03-31.")
        vals = {
            "activity_id": activity.id,
            "category_id": category.id,
            "date": date,
            "name": (form.get("name") or "").strip()[:200],
        }
        if mileage:
            self._portal_form_trip(form, vals, errors)
        else:
            self._portal_form_amount(form, vals, errors)
        return vals, errors

    @api.model
    def _portal_form_trip(self, form, vals, errors):
        km = (form.get("distance_km") or "").strip()
        if not KM_RE.match(km):
            errors["distance_km"] = self.env._(
                "Enter the kilometres as a number, for example 42 or 42.5."
            )
        else:
            vals["distance_km"] = float(km.replace(",", "."))
        vals["trip_from"] = (form.get("trip_from") or "").strip()[:100]
        vals["trip_to"] = (form.get("trip_to") or "").strip()[:100]
        if not vals["trip_from"] or not vals["trip_to"]:
            errors["trip"] = self.env._("Say where you left from and where you went.")
        if not vals["name"]:
            errors["name"] = self.env._("Say why you made this trip.")

    @api.model
    def _portal_form_amount(self, form, vals, errors):
        amount = (form.get("amount_total") or "").strip().replace(" ", "")
        if not AMOUNT_RE.match(amount):
            errors["amount_total"] = self.env._(
                "Enter the amount paid including VAT, for example 12.50."
            )
        else:
            vals["amount_total"] = float(amount.replace(",", "."))
        if str(form.get("vat_rate")) in dict(self._fields["vat_rate"].selection):
            vals["vat_rate"] = form["vat_rate"]

    @api.model
    def _portal_check_receipts(self, receipts, company):
        """The files of one portal form, [(file name, content)], checked one by
        one (the shared upload validator), then in number and size together."""
        if len(receipts) > MAX_RECEIPTS_PER_LINE:
            raise ValidationError(
                self.env._(
                    "Send at most %(max)s files for one expense.",
                    max=MAX_RECEIPTS_PER_LINE,
                )
            )
        for _name, data in receipts:
            check_upload(self.env, data, RECEIPT_MIMETYPES, upload_max_mb(company))
        self._check_request_size(receipts)
