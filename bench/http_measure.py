"""Portal pages and the iCalendar feed over real HTTP, against a running Odoo server.

The entrepreneur logs in like in a browser (``/web/login`` with its CSRF token), then
each page is requested ``--reps`` times after a few warm-up requests, one at a time.
Latency is measured by the client (whole response received); the number of SQL
queries of each request is the one Odoo itself logs at the end of the werkzeug access
line (``... 200 - <queries> <query time> <other time>``), read from the server log.
"""

import re
import statistics
import time

import benchlib
import psutil
import requests

ACCESS_LINE = re.compile(
    r'"GET (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) \S+ '
    r"(?P<queries>\d+) (?P<query_time>[0-9.]+) (?P<other_time>[0-9.]+)"
)


class ServerLog:
    """Follows the server's log file and finds the access line of each request."""

    def __init__(self, path):
        self.handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
        self.handle.seek(0, 2)

    def next_access(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        buffer = ""
        while time.monotonic() < deadline:
            chunk = self.handle.readline()
            if not chunk:
                time.sleep(0.005)
                continue
            buffer = chunk
            match = ACCESS_LINE.search(buffer)
            if match and match["path"] == path:
                return int(match["queries"]), float(match["query_time"])
        raise RuntimeError(f"No access line for {path} in the server log")


def login(base_url, user, password):
    session = requests.Session()
    page = session.get(f"{base_url}/web/login", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if not token:
        raise RuntimeError("No CSRF token on /web/login")
    response = session.post(
        f"{base_url}/web/login",
        data={"login": user, "password": password, "csrf_token": token[1]},
        timeout=60,
    )
    if "/web/login" in response.url or not session.cookies.get("session_id"):
        raise RuntimeError(f"Login as {user} failed (ended on {response.url})")
    return session


def measure_page(session, base_url, path, *, log, reps, warmup, check):
    for _n in range(warmup):
        session.get(base_url + path, timeout=120)
        log.next_access(path)
    latencies, queries, query_times = [], [], []
    size = 0
    for _n in range(reps):
        start = time.perf_counter()
        response = session.get(base_url + path, timeout=120)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        count, query_time = log.next_access(path)
        queries.append(count)
        query_times.append(query_time)
        size = len(response.content)
    shown = check(response.text)
    return {
        "path": path,
        "n": reps,
        "median_s": statistics.median(latencies),
        "p95_s": benchlib.percentile(latencies, 0.95),
        "queries": statistics.median(queries),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "query_time_s": statistics.median(query_times),
        "bytes": size,
        "shown": shown,
    }


def main():
    def add_arguments(parser):
        parser.add_argument("--base-url", required=True)
        parser.add_argument("--log", required=True)
        parser.add_argument("--server-pid", type=int)
        parser.add_argument("--reps", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)

    args, _odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    seed = benchlib.read_result("seed")
    log = ServerLog(args.log)
    base = args.base_url.rstrip("/")
    session = login(base, seed["entrepreneur_login"], seed["entrepreneur_password"])
    anonymous = requests.Session()

    def count(pattern):
        return lambda html: len(re.findall(pattern, html))

    pages = {
        "my_expenses": (session, "/my/expenses", count(r"/my/expenses/\d+")),
        "expense_report": (
            session,
            f"/my/expenses/{seed['current_report_id']}",
            count(r"/my/expenses/lines?/\d+"),
        ),
        "my_calendar": (session, "/my/calendar", count(r'data-deadline-id="\d+"')),
        "feed": (anonymous, seed["feed_path"], count(r"BEGIN:VEVENT")),
        "peer_tasks": (session, "/my/tasks", count(r"/my/tasks/\d+")),
    }
    results = {}
    for name, (client, path, check) in pages.items():
        results[name] = measure_page(
            client, base, path, log=log, reps=args.reps, warmup=args.warmup, check=check
        )
        result = results[name]
        benchlib.progress(
            f"{path}: median {result['median_s'] * 1000:.0f} ms, p95 "
            f"{result['p95_s'] * 1000:.0f} ms, {result['queries']:.0f} queries"
        )
    if args.server_pid:
        results["server_rss_mb"] = psutil.Process(args.server_pid).memory_info().rss / (
            2**20
        )
    benchlib.write_result("http", results)


if __name__ == "__main__":
    main()
