"""The refusal of a portal form: one message per field of the form."""

from odoo.exceptions import UserError


class CaeFormError(UserError):
    """Refused form input: ``errors`` holds one message per form field
    ({field: message}), shown next to that field; over RPC, the messages joined."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors.values()))
