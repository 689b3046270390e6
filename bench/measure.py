"""Measures run inside an Odoo process (no HTTP): deadline generation and its floor,
the ``calendar`` peer, batch approval and the accounting export.

Every repetition runs in a transaction that is rolled back afterwards, so each one
starts from the same data; the wall time includes flushing to PostgreSQL.
``--ops generation`` is run in a process of its own so that its peak memory is the
generation's, not the seeding's or another measure's.
"""

import base64
from datetime import date

import benchlib
from dateutil.relativedelta import relativedelta

OPERATIONS = ("generation", "calendar", "approval", "export")


def _deadline_count(env):
    env.cr.execute("SELECT count(*) FROM cae_deadline")
    return env.cr.fetchone()[0]


def _server_version(cr):
    cr.execute("SHOW server_version")
    return cr.fetchone()[0].split()[0]


PROFILE = False


def _profile(name, rep):
    """With PROFILE=1 each measure runs once more first, profiled and not counted."""
    return name if rep < 0 else None


def _reps(reps):
    return range(-1 if PROFILE else 0, reps)


def measure_generation(env, reps):
    """Cold (no deadline yet), idempotent re-run, and the plain SQL floor."""
    cr = env.cr
    Deadline = env["cae.deadline"]
    baseline_mb = benchlib.rss_mb()
    cr.execute("DELETE FROM cae_deadline")
    cr.commit()
    benchlib.vacuum(env, "cae_deadline")

    cold = []
    for rep in _reps(reps):
        env.invalidate_all()
        with benchlib.measure(_profile("generation_cold", rep)) as sample:
            counts = Deadline._generate()
            env.flush_all()
        sample.items = counts["created"]
        if rep >= 0:
            cold.append(sample)
        benchlib.progress(
            f"generation cold {rep + 1}/{reps}: {sample.items} deadlines in "
            f"{sample.seconds:.2f} s, {sample.queries} queries, "
            f"{sample.peak_mb:.0f} MB"
        )
        cr.rollback()
        benchlib.vacuum(env, "cae_deadline")

    # Generate for real, then re-run: nothing to create, everything to check.
    Deadline._generate()
    cr.commit()
    benchlib.vacuum(env, "cae_deadline")
    total = _deadline_count(env)
    rerun = []
    for rep in _reps(reps):
        env.invalidate_all()
        with benchlib.measure(_profile("generation_rerun", rep)) as sample:
            counts = Deadline._generate()
            env.flush_all()
        sample.items = total
        if counts["created"] or counts["moved"] or counts["cancelled"]:
            raise AssertionError(f"The re-run changed deadlines: {counts}")
        if rep >= 0:
            rerun.append(sample)
        benchlib.progress(
            f"generation re-run {rep + 1}/{reps}: {sample.seconds:.2f} s, "
            f"{sample.queries} queries"
        )
        cr.rollback()

    # The floor: the same rows, one INSERT ... SELECT into the same table (same
    # indexes, same unique key, same empty start), from a copy kept aside.
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'cae_deadline' AND column_name != 'id'"
    )
    cols = ", ".join(f'"{row[0]}"' for row in cr.fetchall())
    cr.execute(
        f"CREATE TABLE bench_deadline_rows AS SELECT {cols} FROM cae_deadline; "
        "DELETE FROM cae_deadline"
    )
    cr.commit()
    benchlib.vacuum(env, "cae_deadline", "bench_deadline_rows")
    floor = []
    for _rep in range(reps):
        with benchlib.measure() as sample:
            cr.execute(
                f"INSERT INTO cae_deadline ({cols}) "
                f"SELECT {cols} FROM bench_deadline_rows"
            )
            sample.items = cr.rowcount
        floor.append(sample)
        cr.rollback()
        benchlib.vacuum(env, "cae_deadline")
    # Leave the deadlines in place for the portal pages and the feed.
    cr.execute(
        f"INSERT INTO cae_deadline ({cols}) SELECT {cols} FROM bench_deadline_rows; "
        "DROP TABLE bench_deadline_rows"
    )
    cr.commit()
    benchlib.vacuum(env, "cae_deadline")
    benchlib.progress(
        f"floor (INSERT ... SELECT of {floor[0].items} rows): "
        f"{min(s.seconds for s in floor):.3f} s at best"
    )
    return {
        "baseline_mb": baseline_mb,
        "max_rss_mb": benchlib.max_rss_mb(),
        "cold": benchlib.summarize(cold, first_s=cold[0].seconds),
        "rerun": benchlib.summarize(rerun),
        "floor": benchlib.summarize(floor),
        "activities": env["cae.activity"].search_count([]),
        "rules": env["cae.deadline.rule"].search_count([]),
        "postgresql": _server_version(cr),
    }


def measure_calendar(env, reps, sample_size=None):
    """Odoo's calendar making the same number of occurrences by recurrences: one
    monthly all-day event per activity with its entrepreneur as attendee, the
    deadlines spread over them like ours.

    With ``sample_size``, only the first ``sample_size`` activities and their share
    of the occurrences: the peer's rate (occurrences per second, what the table
    compares) at a size it can run in minutes, where the whole network would take
    hours."""
    cr = env.cr
    if not _deadline_count(env):  # MEASURES without generation: make them now
        env["cae.deadline"]._generate()
        cr.commit()
    target = _deadline_count(env)
    activities = env["cae.activity"].search([], order="id")
    if sample_size and sample_size < len(activities):
        target = round(target * sample_size / len(activities))
        activities = activities[:sample_size]
    manager = env["res.users"].search([("login", "=", "bench-manager")])
    Event = (
        env["calendar.event"]
        .with_user(manager)
        .sudo()
        .with_context(no_mail_to_attendees=True, dont_notify=True)
    )
    base, extra = divmod(target, len(activities))
    start = date.today().replace(day=5)
    vals_list = [
        {
            "name": f"Deadline of {activity.name}",
            "allday": True,
            "start_date": start,
            "stop_date": start,
            "recurrency": True,
            "rrule_type": "monthly",
            "month_by": "date",
            "day": 5,
            "end_type": "count",
            "count": base + (1 if index < extra else 0),
            "partner_ids": [(6, 0, activity.entrepreneur_id.ids)],
        }
        for index, activity in enumerate(activities)
    ]
    vals_list = [vals for vals in vals_list if vals["count"]]
    samples = []
    # Never profiled: under cProfile this peer would take minutes more.
    for rep in range(reps):
        cr.execute("SELECT coalesce(max(id), 0) FROM calendar_event")
        last_id = cr.fetchone()[0]
        env.invalidate_all()
        with benchlib.measure() as sample:
            Event.create([dict(vals) for vals in vals_list])
            env.flush_all()
        cr.execute("SELECT count(*) FROM calendar_event WHERE id > %s", [last_id])
        sample.items = cr.fetchone()[0]
        samples.append(sample)
        benchlib.progress(
            f"calendar recurrence {rep + 1}/{reps}: {sample.items} occurrences in "
            f"{sample.seconds:.2f} s, {sample.queries} queries"
        )
        cr.rollback()
    peer = benchlib.summarize(samples, target=target)
    peer["sampled_activities"] = len(activities)
    return {"peer": peer}


def _accountant(env):
    return env["res.users"].search([("login", "=", "bench-accountant")])


def measure_approval(env, reps):
    """The accountant approves the 100 submitted reports in one click."""
    cr = env.cr
    accountant = _accountant(env)
    reports = env["cae.expense.report"].search([("state", "=", "submitted")])
    lines = sum(reports.mapped("line_count"))
    samples = []
    for rep in _reps(reps):
        env.invalidate_all()
        batch = reports.with_user(accountant)
        with benchlib.measure(_profile("approval", rep)) as sample:
            batch.action_approve()
            env.flush_all()
        sample.items = len(reports)
        if rep >= 0:
            samples.append(sample)
        benchlib.progress(
            f"batch approval {rep + 1}/{reps}: {len(reports)} reports, {lines} lines "
            f"in {sample.seconds:.2f} s, {sample.queries} queries"
        )
        cr.rollback()
    return {"approval": benchlib.summarize(samples, lines=lines)}


def measure_export(env, reps):
    """The accounting export of last month for the whole network."""
    cr = env.cr
    accountant = _accountant(env)
    month = date.today().replace(day=1) - relativedelta(months=1)
    Wizard = env["cae.expense.export.wizard"].with_user(accountant)
    samples = []
    reports = lines = rows = 0
    for rep in _reps(reps):
        env.invalidate_all()
        wizard = Wizard.create({"date_from": month, "date_to": month})
        reports = wizard.report_count
        cr.execute(
            "SELECT count(*) FROM cae_expense_line l JOIN cae_expense_report r "
            "ON r.id = l.report_id WHERE r.date = %s AND r.state IN "
            "('approved', 'paid') AND NOT r.exported",
            [month],
        )
        lines = cr.fetchone()[0]
        env.invalidate_all()
        with benchlib.measure(_profile("export", rep)) as sample:
            wizard.action_export()
            env.flush_all()
        sample.items = reports
        content = wizard.export_file
        rows = len(base64.b64decode(content).splitlines()) - 1
        if rep >= 0:
            samples.append(sample)
        benchlib.progress(
            f"export {rep + 1}/{reps}: {reports} reports, {lines} lines, {rows} "
            f"entry rows in {sample.seconds:.2f} s, {sample.queries} queries"
        )
        cr.rollback()
    return {
        "export": benchlib.summarize(
            samples, lines=lines, rows=rows, month=month.isoformat()
        )
    }


def main():
    def add_arguments(parser):
        parser.add_argument("--ops", default=",".join(OPERATIONS))
        parser.add_argument("--reps", type=int, default=5)
        parser.add_argument("--calendar-reps", type=int, default=3)
        parser.add_argument("--calendar-sample", type=int, default=1000)
        parser.add_argument("--profile", action="store_true")

    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    ops = [op for op in args.ops.split(",") if op]
    global PROFILE  # noqa: PLW0603 (a command-line switch)
    PROFILE = args.profile
    with benchlib.odoo_env(odoo_argv) as env:
        for op in ops:
            if op == "generation":
                result = measure_generation(env, args.reps)
            elif op == "calendar":
                result = measure_calendar(env, args.calendar_reps, args.calendar_sample)
            elif op == "approval":
                result = measure_approval(env, args.reps)
            elif op == "export":
                result = measure_export(env, args.reps)
            else:
                raise SystemExit(f"Unknown measure {op}; known: {OPERATIONS}")
            benchlib.write_result(op, result)


if __name__ == "__main__":
    main()
