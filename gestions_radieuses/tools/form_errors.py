"""Portal form input: the refusal (one message per field) and its limits."""

from odoo.exceptions import UserError

# Largest id PostgreSQL stores in an integer column: an id typed beyond it (or a
# route's id) designates nothing, and is answered like a missing one.
MAX_ID = 2**31 - 1


class CaeFormError(UserError):
    """Refused form input: ``errors`` holds one message per form field
    ({field: message}), shown next to that field; over RPC, the messages joined."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors.values()))
