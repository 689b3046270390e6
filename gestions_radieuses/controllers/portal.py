from werkzeug.exceptions import NotFound

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..tools.form_errors import CaeFormError
from ..tools.uploads import MB


class CaePortal(CustomerPortal):
    """What the module's portal pages share: access by id (404 for another's),
    the model's refusal shown on the page, files read from the request. Each
    capability's pages inherit it: activity_portal.py, calendar_portal.py,
    expense_portal.py."""

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
