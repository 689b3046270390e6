"""Files sent with a portal form that was refused for another reason (an amount, a
date), held for the same form sent again: a person on a phone does not pick the
photo or the PDF again.

They are attachments of no record yet (``res_id`` 0) of the model that will own
them, named by a key (the form's one-time token, and what the file is for), found
again only by the user who sent them; those older than a day are dropped whenever
new ones are held, so abandoned forms leave nothing behind.
"""

from datetime import timedelta

from odoo import fields

HELD_PREFIX = "cae-held:"
HELD_FOR = timedelta(days=1)


def _domain(model):
    return [("res_model", "=", model), ("res_id", "=", 0)]


def held_files(env, model, key):
    """The files ``env.user`` holds under ``key`` for ``model`` (as superuser)."""
    return (
        env["ir.attachment"]
        .sudo()
        .search(
            [
                *_domain(model),
                ("description", "=", HELD_PREFIX + key),
                ("create_uid", "=", env.uid),
            ],
            order="id",
        )
    )


def hold_files(env, model, key, files):
    """Hold ``files`` (name, content pairs, already checked) under ``key``."""
    Attachment = env["ir.attachment"].sudo()
    Attachment.search(
        [
            *_domain(model),
            ("description", "=like", HELD_PREFIX + "%"),
            ("create_date", "<", fields.Datetime.now() - HELD_FOR),
        ]
    ).unlink()
    return Attachment.create(
        [
            {
                "name": str(name or "file")[:200],
                "raw": data,
                "res_model": model,
                "res_id": 0,
                "description": HELD_PREFIX + key,
            }
            for name, data in files
        ]
    )
