import base64

from odoo import http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.http import request

from ..tools import DOCUMENT_MIMETYPES
from ..tools.uploads import MIMETYPE_LABELS, upload_max_mb
from .portal import CaePortal

ACTIVITIES_PER_PAGE = 20


class CaeActivityPortal(CaePortal):
    """The entrepreneur's activities: their record, documents and accompaniment."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "cae_activity_count" in counters:
            Activity = request.env["cae.activity"]
            values["cae_activity_count"] = (
                Activity.search_count([]) if Activity.has_access("read") else 0
            )
        return values

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
            "kept_file": None,
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
        kept_token = post.get("kept_file") or None
        Document = request.env["cae.activity.document"]
        # As the entrepreneur: the model checks who calls, the form and the file
        # (the shared upload validator), then writes.
        _document_id, errors = self._cae_run(
            lambda: Document.cae_portal_upload(
                activity_sudo.id,
                post.get("type_id"),
                base64.b64encode(data),
                file_name,
                date_from=post.get("date_from"),
                date_until=post.get("date_until"),
                note=post.get("note"),
                kept_file=None if data else kept_token,
            ),
            field="file",
        )
        if not errors:
            return request.redirect(f"{activity_sudo.access_url}?uploaded=1#documents")
        # The file was fine but something else was not: keep it, so that it need
        # not be picked again.
        kept = None
        if data and "file" not in errors:
            token = Document._cae_keep_upload(activity_sudo.id, file_name, data)
            kept = token and {"token": token, "name": file_name}
        elif not data and kept_token:
            attachment = Document._cae_kept_upload(activity_sudo, kept_token)
            kept = attachment and {"token": kept_token, "name": attachment.name}
        values = self._cae_activity_page_values(
            activity_sudo, errors=errors, form=post, kept_file=kept or None
        )
        return request.render(
            "gestions_radieuses.portal_my_activity", values, status=400
        )
