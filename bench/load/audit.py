"""After the rush: audit the database, then report (``make load``).

Audit (exit 1 if any check fails): every expense the rush was told "added" exists
exactly once; nothing was written behind an answer that said it failed; every report
is in a state the workflow allows (submitted ones were told "submitted", approved ones
were approved by an accountant) and its total is the sum of its lines; one report per
activity, month and complement number; no duplicate deadline; the generation cron ran
during the rushes.

Report, for each rush (paced, burst): per step p50/p95 latency, throughput and errors
from Locust's CSV files, unloaded (baseline run) against loaded, each page against
Odoo's ``/my/tasks`` under the same load; the workers' peak memory; and, from Odoo's
own request log of the unloaded run (queries, SQL seconds and the rest, per request),
what one entrepreneur's month end costs the server, hence how many arrivals per second
the machine's CPUs can serve. Printed, written to ``bench/results/load.json`` and into
``bench/RESULTS.md`` between its load markers.
"""

import csv
import json
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict

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
    parser.add_argument(
        "--rushes", nargs="+", required=True, help="NAME,RATE,STARTED(UTC ISO),SECONDS"
    )
    parser.add_argument("--log", required=True, help="the Odoo server's log file")
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


def audit(env, seed, rushes, baseline):
    """``baseline`` holds the warm-up's and the unloaded run's answers together;
    ``rushes`` maps each rush's name to its answers and its start (UTC, ISO)."""
    problems = []
    told = baseline["added"] + [e for r in rushes.values() for e in r["added"]]
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
    submitted = set(baseline["submitted"]).union(
        *(r["submitted"] for r in rushes.values())
    )
    approved = set().union(*(r["approved"] for r in rushes.values()))
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
            SELECT 1 FROM cae_expense_report
             GROUP BY activity_id, date, complement_number
            HAVING count(*) > 1) dup
        """
    )
    if env.cr.fetchone()[0]:
        problems.append("two reports for one activity, month and complement")
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
    # lastcall is the cron's last run: it must be after the rushes began (each rush
    # asks for a run every 20 s; a short one may end between two).
    first_started = min(r["started"] for r in rushes.values())
    ran = bool(cron.lastcall) and str(cron.lastcall) >= first_started[:19].replace(
        "T", " "
    )
    if not ran:
        problems.append("the generation cron did not run during the rushes")
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


REQUEST = re.compile(
    r'werkzeug: \S+ - - \[[^\]]+\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" '
    r"(?P<status>\d+) - (?P<queries>\d+) (?P<sql>[\d.]+) (?P<rest>[\d.]+)"
)


def step_name(method, path):
    """The Locust step a logged request belongs to (None: not one of ours)."""
    path = re.sub(r"/\d+", "/<id>", path.split("#")[0])
    if method == "POST" and path == "/my/expenses/new":
        return None  # trips and expenses look alike here: told apart below
    if path.startswith("/my/expenses/<id>?"):
        path = "/my/expenses/<id>"
    return f"{method} {path}"


def server_costs(log_path):
    """Per step of the unloaded run: requests, median queries, mean SQL and other
    seconds per request, as Odoo logs them (werkzeug:INFO)."""
    phase, steps = None, defaultdict(list)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            if line.startswith("== "):
                phase = line[3:].strip()
                continue
            if phase != "baseline":
                continue
            found = REQUEST.search(line)
            if not found:
                continue
            method, path = found["method"], found["path"]
            name = step_name(method, path)
            if name is None:
                name = "POST expense or trip"
            steps[name].append(
                (int(found["queries"]), float(found["sql"]), float(found["rest"]))
            )
    costs = {}
    for name, rows in steps.items():
        queries = sorted(q for q, _, _ in rows)
        costs[name] = {
            "requests": len(rows),
            "queries": queries[len(queries) // 2],
            "sql_s": round(sum(s for _, s, _ in rows) / len(rows), 4),
            "other_s": round(sum(r for _, _, r in rows) / len(rows), 4),
        }
    return costs


def session_cost(costs, baseline_users):
    """Server seconds (SQL + Python) one entrepreneur's month end costs."""
    total = sum(c["requests"] * (c["sql_s"] + c["other_s"]) for c in costs.values())
    return total / baseline_users if baseline_users else 0


def cost_table(costs):
    lines = [
        "| step (unloaded) | requests | queries | SQL s/request | other s/request |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, c in sorted(costs.items()):
        lines.append(
            f"| {name} | {c['requests']} | {c['queries']} | {c['sql_s']:.3f} | "
            f"{c['other_s']:.3f} |"
        )
    return lines


def read_json(work, name):
    with open(os.path.join(work, f"{name}.json"), encoding="utf-8") as f:
        return json.load(f)


def main():
    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    work = args.work
    seed = read_json(work, "seed")
    rushes = {}
    for spec in args.rushes:
        name, rate, started, seconds = spec.split(",")
        rushes[name] = {
            **read_json(work, name),
            "rate": float(rate),
            "started": started,
            "seconds": int(seconds),
            "stats": read_stats(os.path.join(work, f"{name}_stats.csv")),
        }
    baseline = {"added": [], "submitted": []}
    for name in ("warmup", "baseline"):
        before_rush = read_json(work, name)
        baseline["added"] += before_rush["added"]
        baseline["submitted"] += before_rush["submitted"]
    baseline_users = read_json(work, "baseline")["entrepreneurs"]
    memory = read_json(work, "memory")
    baseline_stats = read_stats(os.path.join(work, "baseline_stats.csv"))
    costs = server_costs(args.log)
    per_session = session_cost(costs, baseline_users)
    cpus = psutil.cpu_count()
    with benchlib.odoo_env(odoo_argv) as env:
        problems, found = audit(env, seed, rushes, baseline)
    timed_out = 0
    with open(args.log, encoding="utf-8", errors="replace") as log:
        timed_out = sum("Request timed out" in line for line in log)
    result = {
        "machine": {
            "cpus": cpus,
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "users": args.users,
        "workers": args.workers,
        "audit": found,
        "problems": problems,
        "memory": memory,
        "baseline": baseline_stats,
        "server_costs": costs,
        "server_seconds_per_entrepreneur": round(per_session, 3),
        "requests_timed_out": timed_out,
        "rushes": {
            name: {
                "rate": rush["rate"],
                "seconds": rush["seconds"],
                "errors": sum(row["failures"] for row in rush["stats"].values()),
                "stats": rush["stats"],
            }
            for name, rush in rushes.items()
        },
    }
    os.makedirs(os.path.dirname(RESULTS_JSON), exist_ok=True)
    with open(RESULTS_JSON, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1, ensure_ascii=False)
    machine = result["machine"]
    capacity = cpus / per_session if per_session else 0
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    section = [
        START,
        f"Month-end rush (`make load`), {when}: each time {args.users} "
        f"entrepreneurs and 3 accountants against Odoo in prefork mode (`--workers "
        f"{args.workers}`, one cron worker); {machine['cpus']} CPUs, "
        f"{machine['memory_gb']} GB, Python {machine['python']}. Unloaded = the same "
        f"steps by {baseline_users} entrepreneurs one at a time before the rushes.",
    ]
    for name, rush in rushes.items():
        errors = result["rushes"][name]["errors"]
        section += [
            "",
            f"**{name.capitalize()}**: {rush['rate']:g} entrepreneurs arriving per "
            f"second ({args.users} in {args.users / rush['rate']:.0f} s), "
            f"{rush['seconds']} s in all, {errors} errors, "
            f"{len(rush['submitted'])} months submitted, {len(rush['approved'])} "
            "approved during the rush.",
            "",
            *table(baseline_stats, rush["stats"]),
        ]
    section += [
        "",
        f"What one entrepreneur's month end costs the server (Odoo's own log of each "
        f"request of the unloaded run: SQL time, and the rest, mostly Python): "
        f"{per_session:.2f} s, so {cpus} CPUs serve at most about {capacity:.1f} "
        "arrivals per second (less: PostgreSQL, the cron worker and Locust share "
        "them).",
        "",
        *cost_table(costs),
        "",
        f"Audit: {found['added']} expenses answered 'added', "
        f"{found['lost']} lost, {found['duplicated']} duplicated, "
        f"{found['written_unanswered']} written behind a failed answer; "
        f"{found['submitted']} months submitted, {found['approved']} approved by the "
        f"accountants; report states {found['report_states']}; "
        f"{found['deadlines_generated']} deadlines generated by the cron. Odoo logged "
        f"{timed_out} 'Request timed out'. Peak memory: "
        f"{memory['per_process_mb']} MB for the largest process, "
        f"{memory['total_mb']} MB for the {memory['processes']} processes. Highest "
        f"load average (1 min) of the machine during the run: {memory.get('load', 0)}"
        f" for {cpus} CPUs (Odoo, PostgreSQL and Locust; above that, other jobs).",
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
