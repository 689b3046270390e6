import base64

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..models.cae_activity_document import CaeUploadError
from ..tools import DOCUMENT_MIMETYPES, guess_upload_mimetype
from ..tools.uploads import MB, MIMETYPE_LABELS

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

    def _cae_run(self, call):
        """Run ``call()`` in a savepoint and return ``(result, None)``; when the
        model refuses (a user or access error: nothing written), return
        ``(None, message)`` so that the route renders its page with the message."""
        try:
            with request.env.cr.savepoint():
                return call(), None
        except (AccessError, UserError) as error:
            return None, str(error.args[0])

    def _cae_read_upload(self, upload, allowed_mimetypes, company):
        """Return (data, mimetype, error) for an uploaded file, nothing stored."""
        env = request.env
        if not upload or not upload.filename:
            return None, None, env._("Choose a file to send.")
        max_mb = company.cae_upload_max_size_mb or 10
        data = upload.read(max_mb * MB + 1)
        if len(data) > max_mb * MB:
            return (
                None,
                None,
                env._(
                    "This file is larger than %(max)s MB. A photo taken at a lower "
                    "resolution or a compressed PDF will do.",
                    max=max_mb,
                ),
            )
        if not data:
            return None, None, env._("This file is empty.")
        mimetype = guess_upload_mimetype(data)
        if mimetype not in allowed_mimetypes:
            return (
                None,
                None,
                env._(
                    "This file is not of an accepted type. Send a scan or a photo "
                    "in one of these formats: %(types)s.",
                    types=", ".join(MIMETYPE_LABELS[m] for m in allowed_mimetypes),
                ),
            )
        return data, mimetype, None

    @staticmethod
    def _cae_parse_date(value):
        if not value:
            return None
        try:
            return fields.Date.to_date(value)
        except ValueError:
            return False

    # ------------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------------
    @http.route(
        ["/my/activities", "/my/activities/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
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
            "stage_labels": dict(
                activity._fields["stage"]._description_selection(request.env)
            ),
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
        "/my/activities/<int:activity_id>", type="http", auth="user", website=True
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
        upload = request.httprequest.files.get("file")
        data = b""
        if upload and upload.filename:
            # Read no more than the cap (and one byte): the model says it is too big.
            max_mb = activity_sudo.company_id.cae_upload_max_size_mb or 10
            data = upload.read(max_mb * MB + 1)
        try:
            # As the entrepreneur: the model checks who calls, the form and the
            # file (the shared upload validator), then writes.
            request.env["cae.activity.document"].cae_portal_upload(
                activity_sudo.id,
                post.get("type_id"),
                base64.b64encode(data),
                upload.filename if upload else None,
                date_from=post.get("date_from"),
                date_until=post.get("date_until"),
                note=post.get("note"),
            )
        except CaeUploadError as error:
            errors = error.errors
        except (AccessError, UserError) as error:
            errors = {"file": str(error.args[0])}
        else:
            return request.redirect(f"{activity_sudo.access_url}?uploaded=1#documents")
        values = self._cae_activity_page_values(activity_sudo, errors=errors, form=post)
        return request.render(
            "gestions_radieuses.portal_my_activity", values, status=400
        )
