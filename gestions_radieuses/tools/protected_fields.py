"""Fields the module computes or owns are not written from outside (issue 8)."""

from odoo.exceptions import AccessError


def check_protected_fields(records, vals, owned=(), computed=True):
    """Refuse, unless in superuser mode, values for computed or related fields
    (readonly, without inverse; unless ``computed`` is False, for a core model)
    and for the ``owned`` fields, which only the model's own methods write.
    Any JSON-RPC caller can send any values: the readonly flag of a field only
    hides it in the views."""
    if records.env.su:
        return
    refused = []
    for name in vals:
        field = records._fields.get(name)
        if field is None:
            continue
        if name in owned or (
            computed and field.compute and field.readonly and not field.inverse
        ):
            refused.append(field.string or name)
    if refused:
        raise AccessError(
            records.env._(
                "These fields are set by the application and cannot be changed "
                "by hand: %(fields)s.",
                fields=", ".join(sorted(refused)),
            )
        )
