"""Helpers shared by the benchmark scripts: an Odoo environment outside the server,
timing with query counts and peak memory, statistics, and the results files.

The scripts are run by bench/run.sh as ``python bench/<script>.py [options] -- <odoo
options>``: everything after ``--`` goes to Odoo's own option parser (database,
PostgreSQL socket, addons path), so the scripts work with any Odoo 18.0 setup.
"""

import argparse
import contextlib
import cProfile
import json
import math
import os
import pstats
import resource
import statistics
import sys
import threading
import time

import psutil

# Seeding writes no chatter, tracking, follower or invitation e-mail.
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.environ.get("BENCH_OUT") or os.path.join(BENCH_DIR, "out")


def parse_args(description, add_arguments=None):
    """(options of the script, Odoo options after ``--``)."""
    argv = sys.argv[1:]
    odoo_argv = []
    if "--" in argv:
        index = argv.index("--")
        argv, odoo_argv = argv[:index], argv[index + 1 :]
    parser = argparse.ArgumentParser(description=description)
    if add_arguments:
        add_arguments(parser)
    return parser.parse_args(argv), odoo_argv


@contextlib.contextmanager
def odoo_env(odoo_argv):
    """A superuser environment on the benchmark database, committed by the caller."""
    import odoo  # noqa: PLC0415 (Odoo is only importable once the path is set)
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(odoo_argv, setup_logging=True)
    registry = odoo.modules.registry.Registry(config["db_name"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        yield env


def sql_counter():
    import odoo.sql_db  # noqa: PLC0415

    return odoo.sql_db.sql_counter


def vacuum(env, *tables):
    """VACUUM ANALYZE outside the transaction (own autocommit connection): rows
    inserted then rolled back by a repetition must not slow the next one down."""
    import psycopg2  # noqa: PLC0415

    import odoo.sql_db  # noqa: PLC0415

    _name, info = odoo.sql_db.connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    finally:
        connection.close()


def rss_mb():
    return psutil.Process().memory_info().rss / 2**20


def max_rss_mb():
    """High-water mark of this process's resident memory since it started."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakRSS:
    """Samples the resident memory of this process every 5 ms while in the block."""

    def __init__(self, interval=0.005):
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()

    def _run(self):
        process = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, process.memory_info().rss / 2**20)
            self._stop.wait(self.interval)

    def __enter__(self):
        self.peak = rss_mb()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


class Sample:
    """One repetition of a measure: wall time, queries, peak memory, items done."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0
        self.peak_mb = 0.0
        self.items = 0


@contextlib.contextmanager
def measure(profile_as=None):
    """Time the block; with ``profile_as``, also profile it (cProfile) and write the
    functions taking the most time to out/<profile_as>.profile.txt."""
    sample = Sample()
    profiler = cProfile.Profile() if profile_as else None
    queries = sql_counter()
    with PeakRSS() as peak:
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        yield sample
        if profiler:
            profiler.disable()
        sample.seconds = time.perf_counter() - start
    sample.queries = sql_counter() - queries
    sample.peak_mb = peak.peak
    if profiler:
        os.makedirs(OUT_DIR, exist_ok=True)
        path = os.path.join(OUT_DIR, f"{profile_as}.profile.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(f"{profile_as}: {sample.seconds:.3f} s (profiled)\n")
            stats = pstats.Stats(profiler, stream=handle)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)


def percentile(values, fraction):
    """Nearest-rank percentile: the smallest value with ``fraction`` of the values
    at or below it (with 5 values, the 95th percentile is the largest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarize(samples, **extra):
    """Median and 95th percentile of the repetitions of one measure."""
    seconds = [s.seconds for s in samples]
    result = {
        "n": len(samples),
        "median_s": statistics.median(seconds),
        "p95_s": percentile(seconds, 0.95),
        "queries": statistics.median(s.queries for s in samples),
        "queries_max": max(s.queries for s in samples),
        "items": samples[0].items,
        "peak_mb": max(s.peak_mb for s in samples),
    }
    if result["items"]:
        result["items_per_s"] = result["items"] / result["median_s"]
    result.update(extra)
    return result


def progress(message):
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def write_result(name, data):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, f"{name}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, default=str)
    return path


def read_result(name, default=None):
    path = os.path.join(OUT_DIR, f"{name}.json")
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
