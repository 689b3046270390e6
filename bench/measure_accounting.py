"""Accounting measures inside an Odoo process, on the database bench/seed_accounting.py
made: posting the batch of approved reports, and the consolidated table.

Each comes from another part of gestions_radieuses_account; a measure whose code is
not installed says so ("not available") instead of giving a figure. Every
repetition is rolled back, so each starts from the same data. With PROFILE=1 each
runs once more first under cProfile (bench/out/posting.profile.txt,
consolidation.profile.txt), not counted.
"""

import benchlib
import measure


def _user(env, login):
    return env["res.users"].search([("login", "=", login)])


def measure_posting(env, reps, seed):
    """The accountant approves the 100 submitted reports of 20 lines in one click,
    which posts one journal entry per report."""
    Report = env["cae.expense.report"]
    if "move_id" not in Report._fields:
        return {"available": False, "why": "posting (cae.expense.report.move_id)"}
    cr = env.cr
    accountant = _user(env, seed["accountant_login"])
    reports = Report.search([("state", "=", "submitted")])
    lines = sum(reports.mapped("line_count"))
    samples = []
    posted = 0
    for rep in measure._reps(reps):
        env.invalidate_all()
        with benchlib.measure(measure._profile("posting", rep)) as sample:
            reports.with_user(accountant).action_approve()
            env.flush_all()
        sample.items = len(reports)
        posted = len(reports.move_id.filtered(lambda move: move.state == "posted"))
        if rep >= 0:
            samples.append(sample)
        benchlib.progress(
            f"approval with posting {rep + 1}/{reps}: {len(reports)} reports, "
            f"{lines} lines, {posted} entries posted in {sample.seconds:.2f} s, "
            f"{sample.queries} queries"
        )
        cr.rollback()
    return {
        "available": True,
        **benchlib.summarize(samples, lines=lines, posted=posted),
    }


def measure_consolidation(env, reps, seed):
    """The support team's consolidated table for the whole network: every row."""
    if "cae.activity.consolidation" not in env:
        return {
            "available": False,
            "why": "the consolidated table (cae.activity.consolidation)",
        }
    cr = env.cr
    accountant = _user(env, seed["accountant_login"])
    Table = env["cae.activity.consolidation"].with_user(accountant)
    field_names = [
        name
        for name, field in Table._fields.items()
        if not name.startswith("__") and field.type not in ("one2many", "many2many")
    ]
    samples = []
    for rep in measure._reps(reps):
        env.invalidate_all()
        with benchlib.measure(measure._profile("consolidation", rep)) as sample:
            rows = Table.search_read([], field_names)
        sample.items = len(rows)
        if rep >= 0:
            samples.append(sample)
        benchlib.progress(
            f"consolidated table {rep + 1}/{reps}: {len(rows)} rows in "
            f"{sample.seconds:.2f} s, {sample.queries} queries"
        )
        cr.rollback()
    return {"available": True, **benchlib.summarize(samples)}


def main():
    def add_arguments(parser):
        parser.add_argument("--reps", type=int, default=5)
        parser.add_argument("--profile", action="store_true")

    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    seed = benchlib.read_result("seed_accounting")
    # PROFILE=1: each measure once more first, profiled and not counted.
    measure.PROFILE = args.profile
    with benchlib.odoo_env(odoo_argv) as env:
        result = {
            "posting": measure_posting(env, args.reps, seed),
            "consolidation": measure_consolidation(env, args.reps, seed),
        }
    for name, measured in result.items():
        if not measured["available"]:
            benchlib.progress(
                f"{name}: not available on this branch ({measured['why']})"
            )
    benchlib.write_result("accounting", result)


if __name__ == "__main__":
    main()
