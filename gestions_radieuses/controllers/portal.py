import base64

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..tools import DOCUMENT_MIMETYPES
from ..tools.form_errors import CaeFormError
from ..tools.uploads import MB, MIMETYPE_LABELS, upload_max_mb

ACTIVITIES_PER_PAGE = 20


class CaePortal(CustomerPortal):
    """The entrepreneur's side: their activities, documents and accompaniment."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "cae_activity_count" in counters:
            Activity = request.env["cae.activity"]
            values["cae_activity_count"] = (
                Activity.search_count([]) if Activity.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------
    # Helpers shared by the portal pages of this module
    # ------------------------------------------------------------------
    def _cae_check_access(self, model_name, record_id):
        """The record as sudo if the user may read it; 404 otherwise.

        Another entrepreneur's id and a missing id answer the same, so that an id
        reveals nothing.
        """
        try:
            return self._document_check_access(model_name, record_id)
        except (AccessError, MissingError) as error:
            raise NotFound() from error

    def _cae_run(self, call, field=None):
        """Run ``call()`` in a savepoint and return ``(result, None)``; when the
        model refuses (a user or access error: nothing written), return
        ``(None, message)`` so that the route renders its page with the message.

        With ``field`` (a form), the refusal is ``{form field: message}``: a
        CaeFormError's own fields, any other message under ``field``. An id that
        is not the caller's (MissingError) answers 404, as in the URL.
        """
        try:
            with request.env.cr.savepoint():
                return call(), None
        except MissingError as error:
            raise NotFound() from error
        except CaeFormError as error:
            return None, error.errors if field else str(error.args[0])
        except (AccessError, UserError) as error:
            message = str(error.args[0])
            return None, {field: message} if field else message

    def _cae_read_files(self, name, max_mb):
        """[(file name, content)] of the files sent as ``name``, each read up to
        ``max_mb`` and one byte more: the model says what is too large."""
        return [
            (upload.filename, upload.read(max_mb * MB + 1))
            for upload in request.httprequest.files.getlist(name)
            if upload and upload.filename
        ]

    # ------------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------------
    @http.route(
        ["/my/activities", "/my/activities/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_activities(self, page=1, **kw):
        Activity = request.env["cae.activity"]
        count = Activity.search_count([])
        pager = portal_pager(
            url="/my/activities",
            total=count,
            page=page,
            step=ACTIVITIES_PER_PAGE,
        )
        activities = Activity.search(
            [], limit=ACTIVITIES_PER_PAGE, offset=pager["offset"]
        )
        if count == 1 and page == 1:
            return request.redirect(activities.access_url)
        values = self._prepare_portal_layout_values()
        values.update(
            activities=activities,
            page_name="cae_activities",
            pager=pager,
            default_url="/my/activities",
        )
        request.session["my_cae_activities_history"] = activities.ids
        return request.render("gestions_radieuses.portal_my_activities", values)

    def _cae_activity_page_values(self, activity_sudo, **extra):
        # Read as the entrepreneur: record rules decide what they see.
        activity = request.env["cae.activity"].browse(activity_sudo.id)
        documents = request.env["cae.activity.document"].search(
            [("activity_id", "=", activity.id)]
        )
        accompaniments = request.env["cae.accompaniment"].search(
            [("activity_id", "=", activity.id)]
        )
        values = {
            "activity": activity,
            # Names of the advisor and co-entrepreneurs, which portal users cannot read.
            "activity_sudo": activity_sudo,
            "documents": documents,
            "accompaniments": accompaniments,
            "document_types": request.env["cae.document.type"].search([]),
            "accepted_types": ", ".join(MIMETYPE_LABELS[m] for m in DOCUMENT_MIMETYPES),
            "max_upload_mb": activity_sudo.company_id.cae_upload_max_size_mb,
            "page_name": "cae_activity",
            "errors": {},
            "form": {},
        }
        values.update(extra)
        return self._get_page_view_values(
            activity_sudo, None, values, "my_cae_activities_history", False
        )

    @http.route(
        "/my/activities/<int:activity_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_activity(self, activity_id, **kw):
        activity_sudo = self._cae_check_access("cae.activity", activity_id)
        values = self._cae_activity_page_values(
            activity_sudo, uploaded=kw.get("uploaded") == "1"
        )
        return request.render("gestions_radieuses.portal_my_activity", values)

    @http.route(
        "/my/activities/<int:activity_id>/documents",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_activity_upload(self, activity_id, **post):
        activity_sudo = self._cae_check_access("cae.activity", activity_id)
        max_mb = upload_max_mb(activity_sudo.company_id)
        file_name, data = (self._cae_read_files("file", max_mb) or [(None, b"")])[0]
        # As the entrepreneur: the model checks who calls, the form and the file
        # (the shared upload validator), then writes.
        _document_id, errors = self._cae_run(
            lambda: request.env["cae.activity.document"].cae_portal_upload(
                activity_sudo.id,
                post.get("type_id"),
                base64.b64encode(data),
                file_name,
                date_from=post.get("date_from"),
                date_until=post.get("date_until"),
                note=post.get("note"),
            ),
            field="file",
        )
        if not errors:
            return request.redirect(f"{activity_sudo.access_url}?uploaded=1#documents")
        values = self._cae_activity_page_values(activity_sudo, errors=errors, form=post)
        return request.render(
            "gestions_radieuses.portal_my_activity", values, status=400
        )
