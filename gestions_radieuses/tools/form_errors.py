"""Portal form input: the refusal (one message per field) and its limits."""

from odoo.exceptions import UserError

# Largest id PostgreSQL stores in an integer column: an id typed beyond it (or a
# route's id) designates nothing, and is answered like a missing one.
MAX_ID = 2**31 - 1


def typed_id(value):
    """The id a form or a caller typed (an int, or ASCII digits), or 0 for
    anything else: "²" is a digit to Python's isdigit() but not an id."""
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.isascii() and value.isdigit() else 0
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value if 0 < value <= MAX_ID else 0


class CaeFormError(UserError):
    """Refused form input: ``errors`` holds one message per form field
    ({field: message}), shown next to that field; over RPC, the messages joined."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors.values()))
