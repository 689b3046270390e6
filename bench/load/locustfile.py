"""The month-end rush, as Locust users (run by bench/load/run.sh, not by hand).

Entrepreneurs (one Locust user each, one login each from the seed's JSON, one month
end each, the n-th arriving n / LOAD_PACE seconds after the first): log in,
open ``/my`` and Odoo's ``/my/tasks`` (the peer page), add three expenses each with a
200 kB photo and one trip to last month, open that month and submit it, open
``/my/tasks`` again, then stop. They think 1-3 s between pages, like a person on a
phone. Accountants (three) approve the submitted reports in batches of 20 over
JSON-RPC, each its own third of the ids, until every entrepreneur is done and nothing
waits. The run ends by itself when everybody is done (``--run-time`` bounds it).

Every answer whose page says "added"/"submitted" is written to LOAD_OUT (JSON) for
the audit, which checks each exists exactly once in the database.
"""

import json
import os
import re
import time

import gevent
from locust import HttpUser, between, events, task

with open(os.environ["LOAD_SEED"], encoding="utf-8") as seed_file:
    SEED = json.load(seed_file)
with open(os.environ["LOAD_PHOTO"], "rb") as photo_file:
    PHOTO = photo_file.read()
# Which seeded entrepreneurs this run uses: "0:10" for the unloaded baseline,
# "10:210" for the rush (each month is sent once).
FIRST, _, LAST = os.environ.get("LOAD_SLICE", "0:").partition(":")
ENTREPRENEURS = SEED["entrepreneurs"][int(FIRST or 0) : int(LAST) if LAST else None]
ACCOUNTANTS = int(os.environ.get("LOAD_ACCOUNTANTS", "3"))
MONTH = SEED["month"]
LOOP = os.environ.get("LOAD_LOOP") == "1"
# Arrivals per second in a rush (0: as Locust starts the users).
PACE = float(os.environ.get("LOAD_PACE") or 0)
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission_token"\s+value="([^"]+)"')
REPORT_URL = re.compile(r"/my/expenses/(\d+)\?done=")

STATE = {"next": 0, "done": 0, "added": [], "submitted": [], "approved": []}


class OdooUser(HttpUser):
    """One connection per request, as behind a reverse proxy: Odoo's prefork
    workers serve one request per connection (a kept-alive connection would hold
    a worker, which closes it after 2 s of silence)."""

    abstract = True

    def on_start(self):
        self.client.headers["Connection"] = "close"


def _idle():
    """Wait for the end of the run: a stopped Locust user would be replaced at once
    by a new one."""
    while True:
        gevent.sleep(3600)


def _day(number):
    return f"{MONTH[:8]}{number:02d}"


class Entrepreneur(OdooUser):
    """One entrepreneur's month end per iteration, each with the next login."""

    # Thinking time on a phone, LOAD_WAIT="min:max" seconds (0:0 when unloaded).
    wait_time = between(*map(float, os.environ.get("LOAD_WAIT", "1:3").split(":")))

    def _page(self, path, name, marker=None):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif marker and marker not in response.text:
                response.failure(f"'{marker}' missing")
            elif "/web/login" in (response.url or "") and path != "/web/login":
                response.failure("sent back to the login page")
            return response

    def _login(self):
        """Whether the login page answered and the login went through."""
        page = self._page("/web/login", "GET /web/login")
        token = CSRF.search(page.text or "")
        if not token:
            return False
        token = token.group(1)
        with self.client.post(
            "/web/login",
            data={
                "login": self.me["login"],
                "password": SEED["password"],
                "csrf_token": token,
                "redirect": "/my",
            },
            name="POST /web/login",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/web/login" in (response.url or ""):
                response.failure(f"login refused ({response.status_code})")
                return False
        return True

    def _add(self, number, mileage):
        path = "/my/expenses/new" + ("?mileage=1" if mileage else "")
        form = self._page(path, "GET " + path)
        csrf = CSRF.search(form.text or "")
        submission = SUBMISSION.search(form.text or "")
        if not csrf or not submission:
            return None
        name = f"load {self.me['login']} #{number}"
        data = {
            "csrf_token": csrf.group(1),
            "submission_token": submission.group(1),
            "mileage": "1" if mileage else "0",
            "activity_id": str(self.me["activity_id"]),
            "date": _day(2 + number),
            "name": name,
        }
        files = None
        if mileage:
            data.update(
                category_id=str(SEED["mileage_category_id"]),
                trip_from="Lyon",
                trip_to="Villeurbanne",
                distance_km="17,4",
            )
            label = "POST trip"
        else:
            data.update(
                category_id=str(SEED["category_id"]),
                amount_total=f"{10 + number},50",
                vat_rate="20",
            )
            files = {"receipts": (f"ticket-{number}.jpg", PHOTO, "image/jpeg")}
            label = "POST expense + 200 kB photo"
        # A cut answer is sent again once, as a person taps "Enregistrer" again: the
        # same form, so the same one-time token (the audit checks it added one line).
        for attempt in range(2):
            with self.client.post(
                "/my/expenses/new",
                data=data,
                files=files,
                name=label if not attempt else label + " (sent again)",
                catch_response=True,
            ) as response:
                found = REPORT_URL.search(response.url or "")
                added = found and "done=added" in response.url
                if response.status_code == 200 and added:
                    STATE["added"].append({"login": self.me["login"], "name": name})
                    return int(found.group(1))
                response.failure(f"not added (HTTP {response.status_code})")
                if response.status_code not in (0, 502, 503, 504):
                    return None
        return None

    @task
    def month_end(self):
        if STATE["next"] >= len(ENTREPRENEURS):
            _idle()
        index = STATE["next"]
        self.me = ENTREPRENEURS[index]
        STATE["next"] += 1
        try:
            if PACE:
                # The index-th person arrives index / PACE seconds after the first:
                # Locust starts every user at once and each waits for its own
                # moment (Locust would start a new user as soon as one stops, so
                # arrivals could not be paced by its spawn rate).
                STATE.setdefault("first_arrival", time.time())
                delay = STATE["first_arrival"] + index / PACE - time.time()
                if delay > 0:
                    gevent.sleep(delay)
            self._month_end()
        finally:
            # Counted whatever happened: the run ends when everybody is done.
            STATE["done"] += 1
        if not LOOP:
            # In a rush, one month end per simulated person, who then leaves. The
            # unloaded run's one user plays them all in turn.
            _idle()

    def _month_end(self):
        self.client.cookies.clear()
        if not self._login():
            return
        self._page("/my", "GET /my")
        self._page("/my/tasks", "GET /my/tasks")
        report_id = None
        for number in range(1, 4):
            report_id = self._add(number, mileage=False) or report_id
            self.wait()
        report_id = self._add(4, mileage=True) or report_id
        if report_id:
            month = self._page(f"/my/expenses/{report_id}", "GET /my/expenses/<id>")
            csrf = CSRF.search(month.text or "")
            self.wait()
            with self.client.post(
                f"/my/expenses/{report_id}/submit",
                data={"csrf_token": csrf.group(1) if csrf else ""},
                name="POST submit the month",
                catch_response=True,
            ) as response:
                if "done=submitted" in (response.url or ""):
                    STATE["submitted"].append(report_id)
                else:
                    response.failure(f"not submitted (HTTP {response.status_code})")
        self._page("/my/tasks", "GET /my/tasks")


class Accountant(OdooUser):
    wait_time = between(4, 6)
    fixed_count = ACCOUNTANTS

    def on_start(self):
        super().on_start()
        self.share = STATE.setdefault("accountants", 0)
        STATE["accountants"] += 1
        if self.share >= ACCOUNTANTS:
            _idle()  # one per seeded login, never a fourth
        login = SEED["accountants"][self.share]
        response = self.client.post(
            "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "db": SEED["db"],
                    "login": login,
                    "password": SEED["password"],
                },
            },
            name="JSON-RPC login (accountant)",
        )
        if response.status_code != 200 or "error" in response.json():
            # Counted as done (its third of the reports stays submitted, which the
            # audit reports), so that the run still ends by itself.
            STATE["accountants_done"] = STATE.get("accountants_done", 0) + 1
            _idle()

    def _call(self, method, args, name):
        with self.client.post(
            "/web/dataset/call_kw",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "model": "cae.expense.report",
                    "method": method,
                    "args": args,
                    "kwargs": {},
                },
            },
            name=name,
            catch_response=True,
        ) as response:
            body = response.json() if response.status_code == 200 else {}
            if "error" in body or response.status_code != 200:
                message = body.get("error", {}).get("data", {}).get("message", "")
                response.failure(f"{method}: {message or response.status_code}")
                return None
            return body.get("result")

    @task
    def approve_batch(self):
        ids = self._call(
            "search", [[("state", "=", "submitted")]], "JSON-RPC search submitted"
        )
        mine = [i for i in ids or () if i % ACCOUNTANTS == self.share][:20]
        label = "JSON-RPC approve batch (≤20)"
        if mine and self._call("action_approve", [mine], label):
            STATE["approved"].extend(mine)
        everybody_done = STATE["done"] >= len(ENTREPRENEURS)
        if everybody_done and not mine:
            STATE["accountants_done"] = STATE.get("accountants_done", 0) + 1
            if STATE["accountants_done"] >= ACCOUNTANTS:
                self.environment.runner.quit()
            _idle()


@events.test_stop.add_listener
def write_out(environment, **kwargs):
    keep = {k: STATE[k] for k in ("added", "submitted", "approved")}
    keep["entrepreneurs_done"] = STATE["done"]
    keep["entrepreneurs"] = len(ENTREPRENEURS)
    with open(os.environ["LOAD_OUT"], "w", encoding="utf-8") as out:
        json.dump(keep, out)


@events.init.add_listener
def quit_when_entrepreneurs_done(environment, **kwargs):
    """Without accountants (the baseline), stop once every entrepreneur is done."""
    if ACCOUNTANTS:
        return

    def watch():
        while STATE["done"] < len(ENTREPRENEURS):
            time.sleep(0.5)
        environment.runner.quit()

    gevent.spawn(watch)
