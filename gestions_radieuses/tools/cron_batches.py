"""What the batched crons share: their bookmark and whether they may end a
transaction.

A batched cron handles a bounded batch per call, reports it with
``ir.cron._notify_progress`` and lets ir.cron commit and call again. Work that
is walked in id order keeps a bookmark, "<day>:<last id done>", in an
``ir.config_parameter`` written in the batch's own transaction: a batch lost to a
crash is done again by the next run, a new day starts over.
"""

import threading

from odoo.tools import SQL


def may_commit(env):
    """Whether this code may end its transaction: never in tests (their data lives
    in one transaction that the test runner rolls back), as mail_mail does."""
    return not (
        getattr(threading.current_thread(), "testing", False)
        or env.registry.in_test_mode()
    )


def read_cursor(env, key, day):
    """The last id done today by the cron whose bookmark is ``key`` (0: none)."""
    value = env["ir.config_parameter"].sudo().get_param(key) or ""
    cursor_day, _sep, last_id = value.partition(":")
    return int(last_id) if cursor_day == str(day) and last_id.isdigit() else 0


def write_cursor(env, key, day, last_id):
    """Record the last id done today; ``last_id=None``: today's work is done (the
    next run starts over)."""
    value = f"{day}:{last_id if last_id is not None else 'done'}"
    env["ir.config_parameter"].sudo().set_param(key, value)


def next_ids(env, table, last_id, batch_size):
    """(the next ``batch_size`` ids of ``table`` after ``last_id``, how many are
    left after them)."""
    env.cr.execute(
        SQL(
            "SELECT id FROM %s WHERE id > %s ORDER BY id LIMIT %s",
            SQL.identifier(table),
            last_id,
            batch_size,
        )
    )
    ids = [row[0] for row in env.cr.fetchall()]
    if len(ids) < batch_size:
        return ids, 0
    env.cr.execute(
        SQL("SELECT count(*) FROM %s WHERE id > %s", SQL.identifier(table), ids[-1])
    )
    return ids, env.cr.fetchone()[0]
