"""After the rush: audit the database, then report (``make load``).

Audit (exit 1 if any check fails): every expense the rush was told "added" exists
exactly once; nothing was written behind an answer that said it failed; every report
is in a state the workflow allows (submitted ones were told "submitted", approved ones
were approved by an accountant) and its total is the sum of its lines; one report per
activity and month; no duplicate deadline; the generation cron ran during the rush.

Report: per step p50/p95 latency, throughput and errors from Locust's CSV files,
unloaded (baseline run) against loaded, each page against Odoo's ``/my/tasks`` under
the same load, the workers' peak memory; printed, written to
``bench/results/load.json`` and into ``bench/RESULTS.md`` between its load markers.
"""

import csv
import json
import os
import platform
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import benchlib
import psutil

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_MD = os.path.join(BENCH_DIR, "RESULTS.md")
RESULTS_JSON = os.path.join(BENCH_DIR, "results", "load.json")
START, END = "<!-- load:start -->", "<!-- load:end -->"
PEER = "GET /my/tasks"
TARGET_RATIO = 4.0


def add_arguments(parser):
    parser.add_argument("--work", required=True, help="folder of the run's files")
    parser.add_argument("--rush-started", required=True, help="UTC, ISO")
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)


def read_stats(path):
    rows = {}
    with open(path, encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                continue
            rows[row["Name"]] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "rps": round(float(row["Requests/s"] or 0), 2),
            }
    return rows


def audit(env, seed, rush, baseline, rush_started):
    """``baseline`` holds the warm-up's and the unloaded run's answers together."""
    problems = []
    told = rush["added"] + baseline["added"]
    names = [entry["name"] for entry in told]
    env.cr.execute(
        """
        SELECT l.name, count(*)
          FROM cae_expense_line l
         WHERE l.name LIKE 'load %%'
         GROUP BY l.name
        """
    )
    in_db = dict(env.cr.fetchall())
    lost = [name for name in names if name not in in_db]
    duplicated = [name for name, count in in_db.items() if count > 1]
    told_twice = [name for name, count in Counter(names).items() if count > 1]
    unanswered = sorted(set(in_db) - set(names))
    if lost:
        problems.append(f"{len(lost)} expenses said 'added' are missing: {lost[:3]}")
    if duplicated or told_twice:
        problems.append(f"duplicated expenses: {(duplicated + told_twice)[:3]}")
    if unanswered:
        problems.append(
            f"{len(unanswered)} expenses written behind an answer that said they "
            f"failed: {unanswered[:3]}"
        )
    submitted = set(rush["submitted"] + baseline["submitted"])
    approved = set(rush["approved"])
    env.cr.execute(
        """
        SELECT r.id, r.state, r.amount_total,
               COALESCE((SELECT sum(l.amount_total) FROM cae_expense_line l
                          WHERE l.report_id = r.id), 0)
          FROM cae_expense_report r
         WHERE r.activity_id = ANY(%s)
        """,
        [[e["activity_id"] for e in seed["entrepreneurs"]]],
    )
    states = Counter()
    for report_id, state, total, lines_total in env.cr.fetchall():
        states[state] += 1
        expected = (
            "approved"
            if report_id in approved
            else "submitted"
            if report_id in submitted
            else "draft"
        )
        if state != expected:
            problems.append(f"report {report_id} is {state}, the run says {expected}")
        if round(float(total or 0) - float(lines_total), 2):
            problems.append(f"report {report_id}: total {total} ≠ lines {lines_total}")
    env.cr.execute(
        """
        SELECT count(*) FROM (
            SELECT 1 FROM cae_expense_report GROUP BY activity_id, date
            HAVING count(*) > 1) dup
        """
    )
    if env.cr.fetchone()[0]:
        problems.append("two reports for one activity and month")
    env.cr.execute(
        """
        SELECT count(*) FROM (
            SELECT 1 FROM cae_deadline
             GROUP BY rule_id, COALESCE(activity_id, 0), period_start
            HAVING count(*) > 1) dup
        """
    )
    if env.cr.fetchone()[0]:
        problems.append("duplicate deadlines")
    cron = env.ref("gestions_radieuses.ir_cron_cae_deadline_generate")
    env.cr.execute("SELECT count(*) FROM cae_deadline")
    deadlines = env.cr.fetchone()[0]
    ran = bool(cron.lastcall) and str(cron.lastcall) >= rush_started[:19].replace(
        "T", " "
    )
    if not ran:
        problems.append("the generation cron did not run during the rush")
    return problems, {
        "added": len(told),
        "lost": len(lost),
        "duplicated": len(duplicated) + len(told_twice),
        "written_unanswered": len(unanswered),
        "submitted": len(submitted),
        "approved": len(approved),
        "report_states": dict(states),
        "deadlines_generated": deadlines,
        "cron_ran": ran,
    }


def table(baseline, loaded):
    peer = loaded.get(PEER, {}).get("p95_ms") or 0
    lines = [
        "| step | requests | errors | p50 unloaded | p95 unloaded | p50 rush | "
        "p95 rush | rush/unloaded p95 (≤ 4) | p95 rush / `/my/tasks` (≤ 1, pages) |"
        " req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in sorted(loaded.items()):
        base = baseline.get(name, {})
        ratio = row["p95_ms"] / base["p95_ms"] if base.get("p95_ms") else None
        is_page = name.startswith("GET /my")
        peer_ratio = row["p95_ms"] / peer if is_page and peer else None
        lines.append(
            f"| {name} | {row['count']} | {row['failures']} | "
            f"{base.get('p50_ms', '–')} | {base.get('p95_ms', '–')} | "
            f"{row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
            f"{f'{ratio:.2f}' if ratio else '–'} | "
            f"{f'{peer_ratio:.2f}' if peer_ratio else '–'} | {row['rps']} |"
        )
    return lines


def main():
    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    work = args.work
    with open(os.path.join(work, "seed.json"), encoding="utf-8") as f:
        seed = json.load(f)
    with open(os.path.join(work, "rush.json"), encoding="utf-8") as f:
        rush = json.load(f)
    baseline = {"added": [], "submitted": []}
    for name in ("warmup", "baseline"):
        with open(os.path.join(work, f"{name}.json"), encoding="utf-8") as f:
            before_rush = json.load(f)
        baseline["added"] += before_rush["added"]
        baseline["submitted"] += before_rush["submitted"]
    with open(os.path.join(work, "memory.json"), encoding="utf-8") as f:
        memory = json.load(f)
    baseline_stats = read_stats(os.path.join(work, "baseline_stats.csv"))
    rush_stats = read_stats(os.path.join(work, "rush_stats.csv"))
    with benchlib.odoo_env(odoo_argv) as env:
        problems, found = audit(env, seed, rush, baseline, args.rush_started)
    errors = sum(row["failures"] for row in rush_stats.values())
    result = {
        "machine": {
            "cpus": psutil.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "users": args.users,
        "workers": args.workers,
        "seconds": args.seconds,
        "errors": errors,
        "audit": found,
        "problems": problems,
        "memory": memory,
        "baseline": baseline_stats,
        "rush": rush_stats,
    }
    os.makedirs(os.path.dirname(RESULTS_JSON), exist_ok=True)
    with open(RESULTS_JSON, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1, ensure_ascii=False)
    machine = result["machine"]
    section = [
        START,
        f"Month-end rush (`make load`): {args.users} entrepreneurs and 3 accountants "
        f"against Odoo in prefork mode (`--workers {args.workers}`, one cron worker), "
        f"{args.seconds} s; {machine['cpus']} CPUs, {machine['memory_gb']} GB, "
        f"Python {machine['python']}. Unloaded = the same steps by one entrepreneur "
        "at a time before the rush.",
        "",
        *table(baseline_stats, rush_stats),
        "",
        f"Errors: {errors}. Audit: {found['added']} expenses answered 'added', "
        f"{found['lost']} lost, {found['duplicated']} duplicated, "
        f"{found['written_unanswered']} written behind a failed answer; "
        f"{found['submitted']} months submitted, {found['approved']} approved by the "
        f"accountants; report states {found['report_states']}; "
        f"{found['deadlines_generated']} deadlines generated by the cron during the "
        f"rush. Peak memory: {memory['per_process_mb']} MB for the largest process, "
        f"{memory['total_mb']} MB for the {memory['processes']} processes.",
        "",
        "Problems: " + ("; ".join(problems) if problems else "none."),
        END,
    ]
    text = ""
    if os.path.exists(RESULTS_MD):
        with open(RESULTS_MD, encoding="utf-8") as results:
            text = results.read()
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + "\n".join(section) + after
    else:
        text = text.rstrip() + "\n\n## Month-end rush\n\n" + "\n".join(section) + "\n"
    with open(RESULTS_MD, "w", encoding="utf-8") as out:
        out.write(text)
    print("\n".join(section[1:-1]))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
