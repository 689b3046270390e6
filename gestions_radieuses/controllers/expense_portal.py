import re
import uuid

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from ..models.cae_expense_line import MAX_ID, MAX_RECEIPTS_PER_LINE
from ..tools import RECEIPT_MIMETYPES
from ..tools.uploads import MAX_REQUEST_MB, MB, MIMETYPE_LABELS
from .portal import CaePortal

REPORTS_PER_PAGE = 12
AMOUNT_RE = re.compile(r"^\d{1,7}([.,]\d{1,2})?$")
KM_RE = re.compile(r"^\d{1,5}([.,]\d)?$")


def _form_id(value):
    """An id sent by a form: None when empty, 404 when it cannot be an id."""
    value = str(value or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise NotFound()
    return int(value)


def _route_id(value):
    """An id of the URL: 404 beyond what the database can hold (not a 500)."""
    if not 0 < value <= MAX_ID:
        raise NotFound()
    return value


class CaeExpensePortal(CaePortal):
    """Expenses from the portal: add one in seconds, see the month, submit it.

    The pages parse the form and call the entrepreneur's methods of the models
    (portal_add_expense, portal_add_receipts, portal_remove_expense, action_submit),
    which check who calls, whose record it is and its state.
    """

    def _cae_check_access(self, model_name, record_id):
        return super()._cae_check_access(model_name, _route_id(record_id))

    # ------------------------------------------------------------------
    # Lists
    # ------------------------------------------------------------------
    @http.route(
        ["/my/expenses", "/my/expenses/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_expenses(self, page=1, **kw):
        env = request.env
        Report = env["cae.expense.report"]
        if not Report.has_access("read"):
            raise NotFound()
        activities = env["cae.activity"].search([])
        month = env.company._cae_today().replace(day=1)
        current = Report.search([("date", "=", month)])
        count = Report.search_count([])
        pager = portal_pager(
            url="/my/expenses", total=count, page=page, step=REPORTS_PER_PAGE
        )
        reports = Report.search([], limit=REPORTS_PER_PAGE, offset=pager["offset"])
        to_fix = Report.search(
            [("state", "in", ("draft", "refused")), ("date", "<", month)]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            activities=activities,
            current_by_activity={r.activity_id.id: r for r in current},
            reports=reports,
            to_fix=to_fix,
            pager=pager,
            page_name="cae_expenses",
            default_url="/my/expenses",
            state_labels=dict(Report._fields["state"]._description_selection(env)),
        )
        request.session["my_cae_expense_reports_history"] = reports.ids
        return request.render("gestions_radieuses.portal_my_expenses", values)

    # ------------------------------------------------------------------
    # One report
    # ------------------------------------------------------------------
    def _cae_report_values(self, report_sudo, **extra):
        env = request.env
        report = env["cae.expense.report"].browse(report_sudo.id)
        lines = env["cae.expense.line"].search([("report_id", "=", report.id)])
        values = {
            "report": report,
            "lines": lines,
            "editable": report.state in ("draft", "refused"),
            "state_labels": dict(report._fields["state"]._description_selection(env)),
            "page_name": "cae_expense_report",
            "error": None,
            "message": None,
        }
        values.update(extra)
        return self._get_page_view_values(
            report_sudo, None, values, "my_cae_expense_reports_history", False
        )

    @http.route("/my/expenses/<int:report_id>", type="http", auth="user", website=True)
    def portal_my_expense_report(self, report_id, **kw):
        report_sudo = self._cae_check_access("cae.expense.report", report_id)
        messages = {
            "added": request.env._("Saved. It is in this month's report."),
            "submitted": request.env._(
                "Thank you, your month is submitted. The accountant will check it."
            ),
            "deleted": request.env._("The expense has been removed."),
            "receipt": request.env._("The receipt has been added."),
        }
        values = self._cae_report_values(
            report_sudo, message=messages.get(kw.get("done"))
        )
        return request.render("gestions_radieuses.portal_my_expense_report", values)

    @http.route(
        "/my/expenses/<int:report_id>/submit",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_expense_report_submit(self, report_id, **post):
        report_sudo = self._cae_check_access("cae.expense.report", report_id)
        report = request.env["cae.expense.report"].browse(report_sudo.id)
        try:
            with request.env.cr.savepoint():
                report.action_submit()
        except (UserError, ValidationError, AccessError) as error:
            values = self._cae_report_values(report_sudo, error=str(error.args[0]))
            return request.render(
                "gestions_radieuses.portal_my_expense_report", values, status=400
            )
        return request.redirect(f"/my/expenses/{report.id}?done=submitted")

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------
    def _cae_line_form_values(self, mileage, form=None, errors=None, line=None):
        env = request.env
        activities = env["cae.activity"].search([])
        categories = env["cae.expense.category"].search(
            [("is_mileage", "=", bool(mileage))]
        )
        return {
            **self._prepare_portal_layout_values(),
            "activities": activities,
            "categories": categories,
            "mileage": bool(mileage),
            "vat_rates": env["cae.expense.line"]
            ._fields["vat_rate"]
            ._description_selection(env),
            "form": form or {},
            "errors": errors or {},
            "today": fields.Date.to_string(env.company._cae_today()),
            "accepted_types": ", ".join(MIMETYPE_LABELS[m] for m in RECEIPT_MIMETYPES),
            "max_upload_mb": env.company.cae_upload_max_size_mb,
            "currency": env.company.currency_id,
            "page_name": "cae_expense_new",
            "line": line,
            # One token per form shown: the same form sent twice adds one line.
            "submission_token": (form or {}).get("submission_token")
            or uuid.uuid4().hex,
        }

    @http.route(
        "/my/expenses/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_expense_new(self, mileage=None, activity_id=None, **post):
        if request.httprequest.method == "POST":
            return self._cae_create_line(
                {**post, "mileage": mileage or "", "activity_id": activity_id or ""}
            )
        values = self._cae_line_form_values(
            mileage == "1", form={"activity_id": activity_id or ""}
        )
        if not values["activities"]:
            raise NotFound()
        return request.render("gestions_radieuses.portal_my_expense_new", values)

    def _cae_parse_line(self, post, mileage):
        """Values of a line from the form, and errors per field (nothing written)."""
        env = request.env
        errors = {}
        vals = {}
        activity = env["cae.activity"]
        activity_id = _form_id(post.get("activity_id"))
        if activity_id:
            # Another entrepreneur's activity and a missing one answer the same.
            activity = activity.search([("id", "=", activity_id)])
            if not activity:
                raise NotFound()
        else:
            activities = activity.search([])
            activity = activities if len(activities) == 1 else activity
        if not activity:
            errors["activity_id"] = env._("Choose the activity this expense is for.")
        vals["activity_id"] = activity.id
        category = env["cae.expense.category"]
        category_id = _form_id(post.get("category_id"))
        if category_id:
            category = category.search([("id", "=", category_id)])
            if not category:
                raise NotFound()
            if category.is_mileage != mileage:
                category = category.browse()
        if not category:
            errors["category_id"] = env._("Choose what kind of expense it is.")
        vals["category_id"] = category.id
        date = self._cae_parse_date(post.get("date"))
        if not date:
            errors["date"] = env._("Enter the date, for example 2026-03-31.")
        vals["date"] = date
        vals["name"] = (post.get("name") or "").strip()[:200]
        if mileage:
            self._cae_parse_trip(post, vals, errors)
        else:
            self._cae_parse_amount(post, vals, errors)
        return vals, errors

    def _cae_parse_trip(self, post, vals, errors):
        env = request.env
        km = (post.get("distance_km") or "").strip()
        if not KM_RE.match(km):
            errors["distance_km"] = env._(
                "Enter the kilometres as a number, for example 42 or 42.5."
            )
        else:
            vals["distance_km"] = float(km.replace(",", "."))
        vals["trip_from"] = (post.get("trip_from") or "").strip()[:100]
        vals["trip_to"] = (post.get("trip_to") or "").strip()[:100]
        if not vals["trip_from"] or not vals["trip_to"]:
            errors["trip"] = env._("Say where you left from and where you went.")
        if not vals["name"]:
            errors["name"] = env._("Say why you made this trip.")

    def _cae_parse_amount(self, post, vals, errors):
        env = request.env
        amount = (post.get("amount_total") or "").strip().replace(" ", "")
        if not AMOUNT_RE.match(amount):
            errors["amount_total"] = env._(
                "Enter the amount paid including VAT, for example 12.50."
            )
        else:
            vals["amount_total"] = float(amount.replace(",", "."))
        rates = dict(env["cae.expense.line"]._fields["vat_rate"].selection)
        if post.get("vat_rate") in rates:
            vals["vat_rate"] = post["vat_rate"]

    def _cae_read_receipts(self, company):
        """[(filename, data)] of the files sent, or an error message."""
        files = [
            f for f in request.httprequest.files.getlist("receipts") if f and f.filename
        ]
        if len(files) > MAX_RECEIPTS_PER_LINE:
            return None, request.env._(
                "Send at most %(max)s files for one expense.", max=MAX_RECEIPTS_PER_LINE
            )
        receipts = []
        total = 0
        for upload in files:
            data, _mimetype, error = self._cae_read_upload(
                upload, RECEIPT_MIMETYPES, company
            )
            if error:
                return None, error
            total += len(data)
            if total > MAX_REQUEST_MB * MB:
                return None, request.env._(
                    "Send at most %(max)s MB of files at once.", max=MAX_REQUEST_MB
                )
            receipts.append((upload.filename[:200], data))
        return receipts, None

    def _cae_create_line(self, post):
        env = request.env
        mileage = post.get("mileage") == "1"
        vals, errors = self._cae_parse_line(post, mileage)
        company = env["cae.activity"].browse(vals.get("activity_id")).company_id
        receipts, receipt_error = self._cae_read_receipts(company or env.company)
        if receipt_error:
            errors["receipts"] = receipt_error
        line = None
        if not errors:
            try:
                with env.cr.savepoint():
                    line = env["cae.expense.line"].portal_add_expense(
                        receipts=receipts,
                        token=(post.get("submission_token") or "")[:64] or None,
                        **vals,
                    )
            except (UserError, ValidationError, AccessError) as error:
                errors["general"] = str(error.args[0])
        if errors:
            values = self._cae_line_form_values(mileage, form=post, errors=errors)
            return request.render(
                "gestions_radieuses.portal_my_expense_new", values, status=400
            )
        return request.redirect(f"/my/expenses/{line.report_id.id}?done=added")

    def _cae_line_check_access(self, line_id):
        """The line as the real user, or 404: rules decide, ids reveal nothing."""
        line = request.env["cae.expense.line"].browse(_route_id(line_id))
        try:
            line.check_access("read")
            line.report_id.ensure_one()
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        return line

    @http.route(
        "/my/expenses/lines/<int:line_id>/delete",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_expense_line_delete(self, line_id, **post):
        line = self._cae_line_check_access(line_id)
        report_sudo = line.sudo().report_id
        try:
            with request.env.cr.savepoint():
                line.portal_remove_expense()
        except (UserError, ValidationError, AccessError) as error:
            values = self._cae_report_values(report_sudo, error=str(error.args[0]))
            return request.render(
                "gestions_radieuses.portal_my_expense_report", values, status=400
            )
        return request.redirect(f"/my/expenses/{report_sudo.id}?done=deleted")

    @http.route(
        "/my/expenses/lines/<int:line_id>/receipts",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_expense_line_receipts(self, line_id, **post):
        line = self._cae_line_check_access(line_id)
        report_sudo = line.sudo().report_id
        receipts, error = self._cae_read_receipts(report_sudo.company_id)
        if not error and not receipts:
            error = request.env._("Choose a file to send.")
        if not error:
            try:
                with request.env.cr.savepoint():
                    line.portal_add_receipts(receipts)
            except (UserError, ValidationError, AccessError) as exc:
                error = str(exc.args[0])
        if error:
            values = self._cae_report_values(report_sudo, error=error)
            return request.render(
                "gestions_radieuses.portal_my_expense_report", values, status=400
            )
        return request.redirect(f"/my/expenses/{report_sudo.id}?done=receipt")

    @http.route(
        "/my/expenses/receipts/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_expense_receipt(self, attachment_id, download=None, **kw):
        attachment = (
            request.env["ir.attachment"]
            .sudo()
            .browse(_route_id(attachment_id))
            .exists()
        )
        if not attachment or attachment.res_model != "cae.expense.line":
            raise NotFound()
        self._cae_line_check_access(attachment.res_id)
        stream = request.env["ir.binary"]._get_stream_from(attachment, "raw")
        return stream.get_response(as_attachment=bool(download))
