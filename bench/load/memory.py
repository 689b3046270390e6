"""Sample the resident memory of an Odoo server and its workers (``make load``).

``python memory.py PID OUT.json``: every second until the server stops or SIGTERM,
the peak RSS of each process of the tree (prefork: the master, HTTP workers, the
cron worker) and of the tree as a whole, and the highest 1-minute load average of the
machine (other jobs on it show there), written to OUT.json at the end.
"""

import json
import os
import signal
import sys
import time

import psutil


def main():
    server = psutil.Process(int(sys.argv[1]))
    peaks = {"per_process_mb": 0.0, "total_mb": 0.0, "processes": 0, "load": 0.0}
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    while running[0] and server.is_running():
        try:
            tree = [server, *server.children(recursive=True)]
            sizes = [p.memory_info().rss / 2**20 for p in tree]
        except psutil.Error:
            break
        peaks["per_process_mb"] = max(peaks["per_process_mb"], *sizes)
        peaks["total_mb"] = max(peaks["total_mb"], sum(sizes))
        peaks["processes"] = max(peaks["processes"], len(tree))
        peaks["load"] = max(peaks["load"], os.getloadavg()[0])
        time.sleep(1)
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump({k: round(v, 1) for k, v in peaks.items()}, out)


if __name__ == "__main__":
    main()
