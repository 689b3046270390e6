import uuid

from dateutil.relativedelta import relativedelta
from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from ..tools import RECEIPT_MIMETYPES
from ..tools.form_errors import MAX_ID
from ..tools.formats import month_of
from ..tools.uploads import MAX_REQUEST_MB, MIMETYPE_LABELS
from .portal import CaePortal

REPORTS_PER_PAGE = 12


def _route_id(value):
    """An id of the URL: 404 beyond what the database can hold (not a 500)."""
    if not 0 < value <= MAX_ID:
        raise NotFound()
    return value


class CaeExpensePortal(CaePortal):
    """Expenses from the portal: add one in seconds, see the month, submit it.

    The pages read the request and call the entrepreneur's methods of the models
    (the forms' _portal_add_expense_form and _portal_add_receipts_form, which parse
    what was sent; portal_remove_expense, action_submit), which check who calls,
    whose record it is and its state.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Report = request.env["cae.expense.report"]
        if "cae_expense_activity_count" in counters:
            # The tile shows to an entrepreneur with an activity, reports or not.
            values["cae_expense_activity_count"] = (
                request.env["cae.activity"].search_count([])
                if request.env.user.share and Report.has_access("read")
                else 0
            )
        if not counters:
            # The home page itself (as loyalty's cards): what the tile says.
            values["cae_expense_summary"] = Report._portal_home_summary()
        return values

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
        readonly=True,
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
            current_by_activity=self._cae_current_by_activity(current),
            reports=reports,
            to_fix=to_fix,
            pager=pager,
            page_name="cae_expenses",
            default_url="/my/expenses",
        )
        request.session["my_cae_expense_reports_history"] = reports.ids
        return request.render("gestions_radieuses.portal_my_expenses", values)

    @staticmethod
    def _cae_current_by_activity(reports):
        """{activity id: this month's report}: the one still open if any (a
        complementary report once the month's own was submitted)."""
        current = {}
        for report in reports.sorted("complement_number"):
            kept = current.get(report.activity_id.id)
            if not kept or kept.state not in ("draft", "refused"):
                current[report.activity_id.id] = report
        return current

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
            # A forgotten expense of this month: its last day, or today.
            "forgotten_date": min(
                report_sudo.date + relativedelta(months=1, days=-1),
                report_sudo.company_id._cae_today(),
            ),
            "page_name": "cae_expense_report",
            "error": None,
            "message": None,
        }
        values.update(extra)
        return self._get_page_view_values(
            report_sudo, None, values, "my_cae_expense_reports_history", False
        )

    def _cae_report_action(self, report_sudo, call, done):
        """Run an entrepreneur's action of the report page: back to the report
        with the message of ``done``, or the page again with the refusal (400)."""
        _result, error = self._cae_run(call)
        if error:
            values = self._cae_report_values(report_sudo, error=error)
            return request.render(
                "gestions_radieuses.portal_my_expense_report", values, status=400
            )
        return request.redirect(f"/my/expenses/{report_sudo.id}?done={done}")

    @http.route(
        "/my/expenses/<int:report_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_expense_report(self, report_id, **kw):
        report_sudo = self._cae_check_access("cae.expense.report", report_id)
        month = month_of(request.env, report_sudo.date)
        messages = {
            "added": request.env._("Saved in your report of %(month)s.", month=month),
            "added_complement": request.env._(
                "Saved. Your report of %(month)s was already sent, so this expense is "
                "in a complementary report of that month: send it when you are ready.",
                month=month,
            ),
            "added_next": request.env._(
                "Saved. The report of its month was already sent, so this expense is "
                "in your report of %(month)s.",
                month=month,
            ),
            "corrected": request.env._("The expense has been corrected."),
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
        return self._cae_report_action(report_sudo, report.action_submit, "submitted")

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
            "held_receipts": env["cae.expense.line"]._portal_held_receipts(
                (form or {}).get("submission_token")
            ),
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
        # A forgotten expense of a month already sent: its month's day offered.
        form = {"activity_id": activity_id or ""}
        if post.get("date"):
            form["date"] = str(post["date"])[:10]
        values = self._cae_line_form_values(mileage == "1", form=form)
        if not values["activities"]:
            raise NotFound()
        return request.render("gestions_radieuses.portal_my_expense_new", values)

    def _cae_create_line(self, post):
        # Each file read up to the size of one request at most: the model checks
        # each against the CAE's limit, then all of them together.
        receipts = self._cae_read_files("receipts", MAX_REQUEST_MB)
        line, errors = self._cae_run(
            lambda: request.env["cae.expense.line"]._portal_add_expense_form(
                post, receipts
            ),
            field="general",
        )
        if errors:
            self._cae_hold_receipts(post, receipts, errors)
            values = self._cae_line_form_values(
                post.get("mileage") == "1", form=post, errors=errors
            )
            return request.render(
                "gestions_radieuses.portal_my_expense_new", values, status=400
            )
        return request.redirect(
            f"/my/expenses/{line.report_id.id}?done={line._portal_where_added()}"
        )

    def _cae_hold_receipts(self, post, receipts, errors):
        """The photos of a refused form are kept for the same form sent again
        (nothing to pick again), unless they were what was wrong."""
        if receipts and "receipts" not in errors:
            request.env["cae.expense.line"]._portal_hold_receipts(
                post.get("submission_token"), receipts
            )

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
        return self._cae_report_action(
            line.sudo().report_id, line.portal_remove_expense, "deleted"
        )

    @http.route(
        "/my/expenses/lines/<int:line_id>/edit",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_expense_line_edit(self, line_id, **post):
        """Correct a line in place: the add form, filled with the line."""
        line = self._cae_line_check_access(line_id)
        line_sudo = line.sudo()
        if request.httprequest.method == "POST":
            receipts = self._cae_read_files("receipts", MAX_REQUEST_MB)
            form = {
                **post,
                "remove_receipt_ids": request.httprequest.form.getlist(
                    "remove_receipt_ids"
                ),
            }
            _result, errors = self._cae_run(
                lambda: line._portal_edit_expense_form(form, receipts),
                field="general",
            )
            if not errors:
                return request.redirect(
                    f"/my/expenses/{line_sudo.report_id.id}?done=corrected"
                )
            self._cae_hold_receipts(post, receipts, errors)
            values = self._cae_line_form_values(
                line_sudo.is_mileage, form=post, errors=errors, line=line
            )
            return request.render(
                "gestions_radieuses.portal_my_expense_new", values, status=400
            )
        form, error = self._cae_run(line._portal_edit_form_defaults)
        if error:
            values = self._cae_report_values(line_sudo.report_id, error=error)
            return request.render(
                "gestions_radieuses.portal_my_expense_report", values, status=400
            )
        values = self._cae_line_form_values(line_sudo.is_mileage, form=form, line=line)
        return request.render("gestions_radieuses.portal_my_expense_new", values)

    @http.route(
        "/my/expenses/lines/<int:line_id>/receipts",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_expense_line_receipts(self, line_id, **post):
        line = self._cae_line_check_access(line_id)
        receipts = self._cae_read_files("receipts", MAX_REQUEST_MB)
        return self._cae_report_action(
            line.sudo().report_id,
            lambda: line._portal_add_receipts_form(receipts),
            "receipt",
        )

    @http.route(
        "/my/expenses/receipts/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
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
