"""Accounting measures inside an Odoo process, on the database bench/seed_accounting.py
made: posting the batch of approved reports, and the consolidated table.

Each comes from another part of gestions_radieuses_account; a measure whose code is
not installed says so ("not available") instead of giving a figure. Every
repetition is rolled back, so each starts from the same data.
"""

import benchlib


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
    for rep in range(reps):
        env.invalidate_all()
        with benchlib.measure() as sample:
            reports.with_user(accountant).action_approve()
            env.flush_all()
        sample.items = len(reports)
        posted = len(reports.move_id.filtered(lambda move: move.state == "posted"))
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
    for rep in range(reps):
        env.invalidate_all()
        with benchlib.measure() as sample:
            rows = Table.search_read([], field_names)
        sample.items = len(rows)
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

    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    seed = benchlib.read_result("seed_accounting")
    with benchlib.odoo_env(odoo_argv) as env:
        result = {
            "posting": measure_posting(env, args.reps, seed),
            "consolidation": measure_consolidation(env, args.reps, seed),
        }
    for name, measure in result.items():
        if not measure["available"]:
            benchlib.progress(
                f"{name}: not available on this branch ({measure['why']})"
            )
    benchlib.write_result("accounting", result)


if __name__ == "__main__":
    main()
