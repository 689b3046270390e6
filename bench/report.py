"""One table with every figure of a run, the ratios to the peers and to the floor,
and the targets of issue 5; printed, kept in bench/results/scale-<N>.json and written
with the other scales' tables to bench/RESULTS.md (which the README quotes)."""

import glob
import json
import os
import platform
import subprocess
import time

import benchlib
import psutil

RESULTS_DIR = os.path.join(benchlib.BENCH_DIR, "results")
RESULTS_MD = os.path.join(benchlib.BENCH_DIR, "RESULTS.md")
PAGES = (
    ("my_expenses", "Portal: My expenses"),
    ("expense_report", "Portal: a monthly report with 20 lines"),
    ("my_calendar", "Portal: My calendar"),
    ("feed", "iCalendar feed (.ics)"),
)


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import odoo.release  # noqa: PLC0415

    generation = benchlib.read_result("generation", {})
    return {
        "cpus": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "odoo": odoo.release.version,
        "postgresql": generation.get("postgresql", "?"),
        "os": platform.platform(),
        "load_average": os.getloadavg()[0],
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=benchlib.BENCH_DIR,
        ).stdout.strip(),
    }


def ms(seconds):
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def sec(seconds):
    return f"{seconds:,.2f} s" if seconds >= 0.1 else ms(seconds)


def num(value):
    return f"{value:,.0f}".replace(",", " ")


def ok(condition):
    return "yes" if condition else "**NO**"


def queries(result):
    low, high = result.get("queries_min", result["queries"]), result["queries_max"]
    return num(result["queries"]) if low == high else f"{num(low)}–{num(high)}"


def rows_of(data):
    """[(measure, items, median, p95, rate, queries, peak, compared, ratio, target,
    met)] for one run."""
    rows = []
    gen = data.get("generation")
    if gen:
        cold, rerun, floor = gen["cold"], gen["rerun"], gen["floor"]
        rows.append(
            (
                "Deadline generation, 12 months, cold",
                f"{num(cold['items'])} deadlines",
                sec(cold["median_s"]),
                sec(cold["p95_s"]),
                f"{num(cold['items_per_s'])}/s",
                queries(cold),
                f"{num(gen['max_rss_mb'])} MB",
                "SQL floor",
                f"{cold['median_s'] / floor['median_s']:.1f}× its time",
                "≥ 5 000/s; peak < 600 MB",
                ok(cold["items_per_s"] >= 5000 and gen["max_rss_mb"] < 600),
            )
        )
        rows.append(
            (
                "Deadline generation, idempotent re-run",
                f"{num(rerun['items'])} checked",
                sec(rerun["median_s"]),
                sec(rerun["p95_s"]),
                f"{num(rerun['items_per_s'])}/s",
                queries(rerun),
                "",
                "cold run",
                f"{rerun['median_s'] / cold['median_s']:.2f}× its time",
                "< 0.10× cold",
                ok(rerun["median_s"] < cold["median_s"] / 10),
            )
        )
        rows.append(
            (
                "Floor: one SQL INSERT … SELECT, same rows",
                f"{num(floor['items'])} rows",
                sec(floor["median_s"]),
                sec(floor["p95_s"]),
                f"{num(floor['items_per_s'])}/s",
                queries(floor),
                "",
                "",
                "",
                "",
                "",
            )
        )
    peer = (data.get("calendar") or {}).get("peer")
    if peer and gen:
        rows.append(
            (
                "Peer: calendar recurrences, same number"
                if peer.get("sampled_activities", data["seed"]["activities"])
                >= data["seed"]["activities"]
                else f"Peer: calendar recurrences, sampled on "
                f"{num(peer['sampled_activities'])} activities (rate compared)",
                f"{num(peer['items'])} occurrences",
                sec(peer["median_s"]),
                sec(peer["p95_s"]),
                f"{num(peer['items_per_s'])}/s",
                queries(peer),
                "",
                "our cold generation",
                f"ours {gen['cold']['items_per_s'] / peer['items_per_s']:.1f}× faster",
                "ours ≥ 1× as fast",
                ok(gen["cold"]["items_per_s"] >= peer["items_per_s"]),
            )
        )
    http = data.get("http") or {}
    tasks = http.get("peer_tasks")
    for key, label in PAGES:
        page = http.get(key)
        if not page:
            continue
        ratio = page["median_s"] / tasks["median_s"] if tasks else None
        rows.append(
            (
                label,
                f"{page['shown']} shown",
                ms(page["median_s"]),
                ms(page["p95_s"]),
                "",
                queries(page),
                "",
                "/my/tasks",
                f"{ratio:.2f}× its latency" if ratio else "",
                "latency ≤ /my/tasks; queries flat",
                ok(ratio is not None and ratio <= 1.0)
                + ("" if page["queries_min"] == page["queries_max"] else " (q varies)"),
            )
        )
    if tasks:
        rows.append(
            peer_row(
                f"Peer: project /my/tasks ({data['seed']['peer_task_count']} followed)",
                tasks,
            )
        )
    approval = (data.get("approval") or {}).get("approval")
    if approval:
        rows.append(
            (
                "Batch approval of submitted reports",
                f"{approval['items']} reports, {num(approval['lines'])} lines",
                sec(approval["median_s"]),
                sec(approval["p95_s"]),
                f"{num(approval['items_per_s'])} reports/s",
                queries(approval),
                "",
                "",
                f"{approval['queries'] / approval['lines']:.2f} queries/line",
                "< 3 s; queries not ∝ lines",
                ok(approval["p95_s"] < 3),
            )
        )
    export = (data.get("export") or {}).get("export")
    if export:
        rows.append(
            (
                f"Accounting export of a network month ({export['month'][:7]})",
                f"{num(export['items'])} reports, {num(export['lines'])} lines",
                sec(export["median_s"]),
                sec(export["p95_s"]),
                f"{num(export['lines'] / export['median_s'])} lines/s",
                queries(export),
                "",
                "",
                f"{num(export['rows'])} entry rows",
                "< 10 s",
                ok(export["p95_s"] < 10),
            )
        )
    return rows + accounting_rows(data)


def peer_row(label, page):
    """A page measured only to compare with: its figures, no target."""
    return (
        label,
        f"{page['shown']} shown",
        ms(page["median_s"]),
        ms(page["p95_s"]),
        "",
        queries(page),
        "",
        "",
        "",
        "",
        "",
    )


def not_available(label, why, target):
    return (
        label,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        f"not available on this branch: {why}",
        target,
        "n/a",
    )


def accounting_rows(data):
    """The rows of issue 10 (bench/seed_accounting.py, measure_accounting.py,
    http_accounting.py); a measure whose code is not installed says so."""
    seeded = data.get("seed_accounting")
    if not seeded:
        return []
    copied = seeded.get("copied") or {}
    rows = [
        (
            "Accounting seed: one activity's year through the ORM (10 invoices a "
            "month, charges, most paid), copied by SQL to the others",
            f"{num(seeded['invoices'])} invoices, "
            f"{num(copied.get('account_move', 0))} entries and "
            f"{num(copied.get('account_move_line', 0))} lines copied",
            sec(seeded["books_seconds"]),
            "",
            f"{num(seeded['invoices_per_s'])} invoices/s",
            "",
            "",
            "ORM template",
            f"{sec(seeded.get('orm_seconds', 0))} ORM, "
            f"{sec(seeded.get('copy_seconds', 0))} SQL copy",
            "< 15 min (whole seed)",
            ok(seeded["seconds"] < 15 * 60),
        )
    ]
    result = data.get("accounting") or {}
    posting = result.get("posting") or {}
    label = f"Approval with posting, {seeded['submitted_reports']} reports of 20 lines"
    if posting.get("available"):
        rows.append(
            (
                label,
                f"{posting['posted']} entries, {num(posting['lines'])} lines",
                sec(posting["median_s"]),
                sec(posting["p95_s"]),
                f"{num(posting['items_per_s'])} reports/s",
                queries(posting),
                "",
                "",
                "",
                "< 3 s",
                ok(posting["p95_s"] < 3),
            )
        )
    elif posting:
        rows.append(not_available(label, posting["why"], "< 3 s"))
    table = result.get("consolidation") or {}
    label = "Consolidated table, whole network (search_read of every row)"
    if table.get("available"):
        rows.append(
            (
                label,
                f"{num(table['items'])} rows",
                sec(table["median_s"]),
                sec(table["p95_s"]),
                "",
                queries(table),
                "",
                "",
                "",
                "< 2 s",
                ok(table["p95_s"] < 2),
            )
        )
    elif table:
        rows.append(not_available(label, table["why"], "< 2 s"))
    http = data.get("http_accounting") or {}
    for who, count in (
        ("many", seeded["many_invoices"]),
        ("few", seeded["few_invoices"]),
    ):
        label = f"Portal: Mon activité en chiffres ({count} invoices)"
        target = "latency ≤ /my/invoices; queries flat"
        page, peer = http.get(f"figures_{who}") or {}, http.get(f"invoices_{who}")
        if page.get("available") and peer:
            other = http.get("figures_few" if who == "many" else "figures_many") or {}
            flat = other.get("queries") == page["queries"]
            ratio = page["median_s"] / peer["median_s"]
            rows.append(
                (
                    label,
                    f"{page['shown']} figures shown",
                    ms(page["median_s"]),
                    ms(page["p95_s"]),
                    "",
                    queries(page),
                    "",
                    "/my/invoices",
                    f"{ratio:.2f}× its latency",
                    target,
                    ok(ratio <= 1 and flat) + ("" if flat else " (queries vary)"),
                )
            )
        elif page:
            rows.append(not_available(label, page["why"], target))
        if peer:
            rows.append(
                peer_row(f"Peer: account /my/invoices ({count} invoices)", peer)
            )
    return rows


HEADER = (
    "Measure",
    "Volume",
    "Median",
    "p95",
    "Rate",
    "Queries",
    "Peak RSS",
    "Compared with",
    "Ratio",
    "Target",
    "Met",
)


def markdown_table(rows):
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(rows):
    table = [HEADER, *rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(HEADER))]
    out = []
    for index, row in enumerate(table):
        cells = zip(row, widths, strict=True)
        out.append("  ".join(str(cell).ljust(width) for cell, width in cells))
        if index == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def section(data):
    seed, mach = data["seed"], data["machine"]
    gen = data.get("generation") or {}
    return "\n".join(
        [
            f"## Scale {num(seed['scale'])} activities — {data['date']}",
            "",
            f"{num(seed['activities'])} activities (one portal entrepreneur each), "
            f"{num(seed['expense_reports'])} expense reports, "
            f"{num(seed['expense_lines'])} expense lines, "
            f"{gen.get('rules', '?')} deadline rules. Seeded in "
            f"{seed['seconds']:.0f} s; whole run {data['total_seconds'] // 60} min "
            f"{data['total_seconds'] % 60} s. Machine: {mach['cpus']} CPUs "
            f"({mach['cpu']}), {mach['ram_gb']} GB RAM, Python {mach['python']}, "
            f"Odoo {mach['odoo']}, PostgreSQL {mach['postgresql']} (fsync off), "
            f"commit {mach['git']}. Load average (1 min) when seeding: "
            f"{seed.get('load_average', 0):.1f}, at the end: "
            f"{mach.get('load_average', 0):.1f}"
            + (
                f" (above {mach['cpus']}: other jobs shared the CPUs, times are "
                "longer than on an idle machine)."
                if max(seed.get("load_average", 0), mach.get("load_average", 0))
                > mach["cpus"]
                else "."
            ),
            "",
            markdown_table(rows_of(data)),
            "",
            f"Generation process: {num(gen.get('baseline_mb', 0))} MB resident "
            f"before generating, {num(gen.get('max_rss_mb', 0))} MB at its peak. "
            f"Odoo server after the HTTP measures: "
            f"{num((data.get('http') or {}).get('server_rss_mb', 0))} MB.",
            "",
        ]
    )


def accounting_section(data):
    """The accounting group run alone (``MEASURES=accounting``): its own section."""
    seed, mach = data["seed_accounting"], data["machine"]
    load = max(seed.get("load_average", 0), mach.get("load_average", 0))
    return "\n".join(
        [
            f"## Accounting (issue 10), {num(seed['scale'])} activities — "
            f"{data['date']}",
            "",
            f"`make bench MEASURES=accounting SCALE={seed['scale']}`: a database with "
            "gestions_radieuses_account on the French chart, "
            f"{num(seed['activities'])} activities, {num(seed['invoices'])} posted "
            f"customer invoices ({seed['invoices_per_month']} a month over 12 months "
            "per activity), "
            f"{num(seed['entries_per_activity'])} entries per activity (invoices, "
            "vendor bills, bank entries), "
            f"{seed['submitted_reports']} submitted reports of 20 lines. Seeded in "
            f"{seed['seconds']:.0f} s; whole run {data['total_seconds'] // 60} min "
            f"{data['total_seconds'] % 60} s. Machine: {mach['cpus']} CPUs "
            f"({mach['cpu']}), {mach['ram_gb']} GB RAM, Python {mach['python']}, "
            f"Odoo {mach['odoo']}, PostgreSQL (fsync off), commit {mach['git']}. "
            f"Load average (1 min) when seeding: {seed.get('load_average', 0):.1f}, "
            f"at the end: {mach.get('load_average', 0):.1f}"
            + (
                f" (above {mach['cpus']}: other jobs shared the CPUs, times are "
                "longer than on an idle machine)."
                if load > mach["cpus"]
                else "."
            ),
            "",
            markdown_table(accounting_rows(data)),
            "",
        ]
    )


def scaling_table(runs):
    lines = [
        "| Scale | Deadlines | Generation peak RSS | Above baseline | Cold rate "
        "| Queries: cold / re-run | Queries: My expenses / report / calendar / "
        "feed / tasks | Approval queries | Export queries |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for data in runs:
        gen = data.get("generation") or {}
        http = data.get("http") or {}
        page_queries = " / ".join(
            num(http[key]["queries"]) if key in http else "?"
            for key in (
                "my_expenses",
                "expense_report",
                "my_calendar",
                "feed",
                "peer_tasks",
            )
        )
        approval = (data.get("approval") or {}).get("approval") or {}
        export = (data.get("export") or {}).get("export") or {}
        lines.append(
            f"| {num(data['seed']['scale'])} "
            f"| {num(gen['cold']['items']) if gen else '?'} "
            f"| {num(gen.get('max_rss_mb', 0))} MB "
            f"| {num(gen.get('max_rss_mb', 0) - gen.get('baseline_mb', 0))} MB "
            f"| {num(gen['cold']['items_per_s']) if gen else '?'}/s "
            f"| {num(gen['cold']['queries']) if gen else '?'} / "
            f"{num(gen['rerun']['queries']) if gen else '?'} "
            f"| {page_queries} "
            f"| {num(approval.get('queries', 0))} "
            f"| {num(export.get('queries', 0))} |"
        )
    return "\n".join(lines)


def memory_growth(runs):
    """One sentence: how the generation's memory grew from the smallest run to the
    largest, against how the number of activities grew."""
    runs = [data for data in runs if data.get("generation")]
    if len(runs) < 2:
        return "Run `make bench SCALE=50` too to compare memory against scale."
    small, large = runs[0], runs[-1]

    def above(data):
        gen = data["generation"]
        return max(gen["max_rss_mb"] - gen["baseline_mb"], 1.0)

    scale_ratio = large["seed"]["scale"] / small["seed"]["scale"]
    memory_ratio = above(large) / above(small)
    return (
        f"From {num(small['seed']['scale'])} to {num(large['seed']['scale'])} "
        f"activities (×{scale_ratio:.0f}), the generation process's peak memory "
        f"above its baseline went from {num(above(small))} MB to "
        f"{num(above(large))} MB (×{memory_ratio:.1f}): "
        + ("less than linear." if memory_ratio < scale_ratio else "**linear or more**.")
    )


def write_markdown():
    runs = []
    for path in glob.glob(os.path.join(RESULTS_DIR, "scale-*.json")):
        with open(path, encoding="utf-8") as handle:
            runs.append(json.load(handle))
    runs.sort(key=lambda data: -data["seed"]["scale"])
    parts = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/report.py) from `bench/results/scale-*.json`;"
        " one section per scale, the latest run of each. Times are wall-clock on "
        "the machine named in each section; medians and 95th percentiles "
        "(nearest rank) over the repetitions. Queries are per operation (per "
        "request for pages). What the rows measure and what limits them: "
        "README.md, section *Benchmark*.",
        "",
    ]
    parts += [section(data) for data in runs]
    accounting = []
    for path in glob.glob(os.path.join(RESULTS_DIR, "accounting-scale-*.json")):
        with open(path, encoding="utf-8") as handle:
            accounting.append(json.load(handle))
    accounting.sort(key=lambda data: -data["seed_accounting"]["scale"])
    parts += [accounting_section(data) for data in accounting]
    by_scale = sorted(runs, key=lambda data: data["seed"]["scale"])
    parts += [
        "## Against scale",
        "",
        "Memory and query counts of each run side by side: what does not grow "
        "with the number of activities.",
        "",
        scaling_table(by_scale),
        "",
        memory_growth(by_scale),
        "",
    ]
    # The month-end rush's section is written by bench/load/audit.py: kept as is.
    rush = ""
    if os.path.exists(RESULTS_MD):
        with open(RESULTS_MD, encoding="utf-8") as handle:
            current = handle.read()
        if "## Month-end rush" in current:
            rush = "## Month-end rush" + current.split("## Month-end rush", 1)[1]
    with open(RESULTS_MD, "w", encoding="utf-8") as handle:
        handle.write("\n".join(parts) + ("\n" + rush if rush else ""))


def main():
    def add_arguments(parser):
        parser.add_argument("--total-seconds", type=int, default=0)
        parser.add_argument(
            "--no-save", action="store_true", help="a partial run: print only"
        )
        parser.add_argument(
            "--accounting",
            action="store_true",
            help="the accounting group alone: kept as accounting-scale-<N>.json",
        )

    args, _odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    data = {
        name: benchlib.read_result(name)
        for name in (
            "seed",
            "generation",
            "calendar",
            "approval",
            "export",
            "http",
            "seed_accounting",
            "accounting",
            "http_accounting",
        )
    }
    data["machine"] = machine()
    data["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    data["total_seconds"] = args.total_seconds
    print()
    scale = (data["seed"] or data["seed_accounting"])["scale"]
    print(f"Scale {scale} activities, {data['date']}")
    print(text_table(rows_of(data)))
    if args.no_save:
        return
    os.makedirs(RESULTS_DIR, exist_ok=True)
    if args.accounting:
        name = f"accounting-scale-{data['seed_accounting']['scale']}.json"
    else:
        name = f"scale-{data['seed']['scale']}.json"
    path = os.path.join(RESULTS_DIR, name)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, default=str)
    write_markdown()
    print(f"\nWritten to {os.path.relpath(RESULTS_MD)} and {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
