""" "Mon activité en chiffres" over HTTP against Odoo's own /my/invoices, for an
entrepreneur with a year of invoices and one with a month of them (queries flat).

Same client as bench/http_measure.py (logged in like a browser, latency seen by the
client, queries from the server's access line). When the dashboard's route is not
installed (404), the measure says "not available" instead of giving a figure.
"""

import re

import benchlib
import http_measure


def main():
    def add_arguments(parser):
        parser.add_argument("--base-url", required=True)
        parser.add_argument("--log", required=True)
        parser.add_argument("--reps", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)

    args, _odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    seed = benchlib.read_result("seed_accounting")
    log = http_measure.ServerLog(args.log)
    base = args.base_url.rstrip("/")
    results = {}
    for who in ("many", "few"):
        session = http_measure.login(
            base, seed[f"{who}_login"], seed[f"{who}_password"]
        )
        figures = f"/my/figures/{seed[f'{who}_activity_id']}"
        probe = session.get(base + figures, timeout=120)
        log.next_access(figures)
        pages = {"invoices": ("/my/invoices", r"/my/invoices/\d+")}
        if probe.status_code == 200:
            # One block per figure (views/portal_figures_templates.xml,
            # template portal_figure: <div class="o_cae_figure …" data-code=…>).
            pages["figures"] = (figures, r'<div class="o_cae_figure[ "]')
        else:
            results[f"figures_{who}"] = {
                "available": False,
                "why": f"{figures} answered {probe.status_code}",
            }
        for name, (path, pattern) in pages.items():
            result = http_measure.measure_page(
                session,
                base,
                path,
                log=log,
                reps=args.reps,
                warmup=args.warmup,
                check=lambda html, pattern=pattern: len(re.findall(pattern, html)),
            )
            result["available"] = True
            results[f"{name}_{who}"] = result
            benchlib.progress(
                f"{path} ({who} invoices): median {result['median_s'] * 1000:.0f} ms, "
                f"p95 {result['p95_s'] * 1000:.0f} ms, {result['queries']:.0f} queries"
            )
    for key, result in results.items():
        if not result["available"]:
            benchlib.progress(f"{key}: not available on this branch ({result['why']})")
    benchlib.write_result("http_accounting", results)


if __name__ == "__main__":
    main()
