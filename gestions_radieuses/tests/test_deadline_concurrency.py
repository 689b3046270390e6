"""Generation in two OS processes against the same database at the same moment."""

import json
import os
import subprocess
import sys
import tempfile
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

# The day both processes generate for (no dependence on the clock).
DAY = date(2027, 3, 10)

# Run by each child: load the registry, then play its role in two rounds, one per
# set of activities. A generates, says so through a marker file, holds its
# transaction open a second, commits. B waits for the marker, then generates the
# same deadlines: its INSERT waits for A's uncommitted rows at the unique index.
# Round 1 calls _generate (what an HTTP request runs), round 2 _generate_retrying
# (what the cron runs).
CHILD = r"""
import json, logging, os, sys, time
from datetime import date

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config

args = json.loads(sys.argv[1])
for key, value in args["config"].items():
    config[key] = value
from odoo.modules.module import initialize_sys_path

initialize_sys_path()
from odoo.modules.registry import Registry

retries = []


class Count(logging.Handler):
    def emit(self, record):
        if "retrying" in record.getMessage():
            retries.append(record.getMessage())


logging.getLogger("odoo.addons.gestions_radieuses").addHandler(Count())
logging.getLogger("odoo.addons.gestions_radieuses").setLevel(logging.INFO)
registry = Registry(args["db"])
day = date.fromisoformat(args["day"])
results = []


# One clock for both processes: the database server's (under faketime each
# process has its own clock, started when the process starts).
def shared_now():
    with registry.cursor() as clock:
        clock.execute("SELECT extract(epoch FROM clock_timestamp())")
        return float(clock.fetchone()[0])


def wait_for(path):
    deadline = time.time() + 120
    while not os.path.exists(path):
        if time.time() > deadline:
            sys.exit(f"{path} never came")
        time.sleep(0.01)


for round_, (ids, marker) in enumerate(zip(args["activity_ids"], args["markers"])):
    outcome = {"round": round_}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Deadline = env["cae.deadline"]
        rules = env["cae.deadline.rule"].search([("active", "=", True)])
        activities = env["cae.activity"].browse(ids)
        if args["role"] == "B":
            open(marker + "-ready", "w").close()
            wait_for(marker)
        else:
            wait_for(marker + "-ready")
        start = shared_now()
        try:
            if round_ == 0:
                counts = Deadline._generate(
                    rules=rules, activities=activities, today=day
                )
            else:
                counts = Deadline._generate_retrying(rules, activities, day)
        except Exception as error:
            cr.rollback()
            outcome["error"] = type(error).__name__
        else:
            outcome["created"] = counts["created"]
            if args["role"] == "A":
                with open(marker, "w") as file:
                    file.write("generated")
                time.sleep(2.0)
            outcome["commit_at"] = shared_now()
            cr.commit()
        outcome["start"] = start
        outcome["end"] = shared_now()
        outcome["retries"] = len(retries)
    results.append(outcome)
print("RESULT " + json.dumps(results))
"""


class CommittedDataCase(TransactionCase):
    """Tests of what other connections or processes see: their data is made and
    removed through cursors of their own, committed for real, and the test
    transaction itself writes nothing, so it stays out of their way."""

    def _committed(self, function):
        """function(env) in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            result = function(api.Environment(cr, SUPERUSER_ID, {}))
            # Other connections must see it (removed again by addCleanup).
            cr.commit()  # pylint: disable=invalid-commit
        return result


@tagged("post_install", "-at_install")
class TestDeadlineTwoProcesses(CommittedDataCase):
    """The two children must see the activities: they are committed."""

    def setUp(self):
        super().setUp()

        def make(env):
            partner = env["res.partner"].create(
                {"name": "Two processes", "email": "two@example.com"}
            )
            activities = env["cae.activity"].create(
                [
                    {
                        "name": f"Two processes {index}",
                        "entrepreneur_id": partner.id,
                        "stage": "salaried",
                    }
                    for index in range(2)
                ]
            )
            env["cae.deadline"].search([("activity_id", "in", activities.ids)]).unlink()
            return partner.id, activities.ids, activities.analytic_account_id.ids

        self.partner_id, self.activity_ids, analytic_ids = self._committed(make)

        def remove(env):
            activities = env["cae.activity"].with_context(active_test=False)
            activities = activities.browse(self.activity_ids).exists()
            env["cae.deadline"].search([("activity_id", "in", activities.ids)]).unlink()
            activities.unlink()
            env["account.analytic.account"].browse(analytic_ids).exists().unlink()
            env["res.partner"].browse(self.partner_id).exists().unlink()

        self.addCleanup(self._committed, remove)

    def _deadlines(self, env, activity_id):
        env.cr.execute(
            "SELECT rule_id, period_start, count(*) FROM cae_deadline "
            "WHERE activity_id = %s GROUP BY rule_id, period_start",
            [activity_id],
        )
        return env.cr.fetchall()

    def test_two_processes_generate_at_once(self):
        workdir = tempfile.mkdtemp()
        markers = [os.path.join(workdir, f"a-generated-{n}") for n in range(2)]
        child_config = {
            key: config[key]
            for key in (
                "db_host",
                "db_port",
                "db_user",
                "db_password",
                "addons_path",
                "data_dir",
            )
        }
        children = {}
        for role in ("A", "B"):
            argument = {
                "role": role,
                "db": self.env.cr.dbname,
                "config": child_config,
                "day": DAY.isoformat(),
                "activity_ids": [[activity_id] for activity_id in self.activity_ids],
                "markers": markers,
            }
            children[role] = subprocess.Popen(
                [sys.executable, "-c", CHILD, json.dumps(argument)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        results = {}
        for role, child in children.items():
            stdout, stderr = child.communicate(timeout=300)
            self.assertEqual(child.returncode, 0, f"{role}: {stdout}\n{stderr}")
            self.assertNotIn("Traceback", stderr, f"{role}: {stderr}")
            line = next(li for li in stdout.splitlines() if li.startswith("RESULT "))
            results[role] = json.loads(line[len("RESULT ") :])
        plain_a, retried_a = results["A"]
        plain_b, retried_b = results["B"]
        message = json.dumps(results)
        self.assertGreater(plain_a["created"], 0, message)
        self.assertGreater(retried_a["created"], 0, message)
        # B waited for A's transaction: it started before A committed (A holds its
        # transaction two seconds after the marker) and ended only after (the
        # database server's clock, shared by both; no duration is assumed, the
        # machine may be loaded).
        for a_round, b_round in ((plain_a, plain_b), (retried_a, retried_b)):
            self.assertLess(b_round["start"], a_round["commit_at"], message)
            self.assertGreaterEqual(b_round["end"], a_round["commit_at"], message)
        # What really happens under REPEATABLE READ: B's snapshot does not see
        # A's rows, PostgreSQL refuses to skip them and B's transaction fails
        # (for an HTTP request, Odoo retries it)...
        self.assertEqual(plain_b.get("error"), "SerializationFailure", message)
        # ... the cron's path starts the batch again and creates nothing more.
        self.assertNotIn("error", retried_b, message)
        self.assertEqual(retried_b["created"], 0, message)
        self.assertGreaterEqual(retried_b["retries"], 1, message)

        def check(env):
            Deadline = env["cae.deadline"]
            rules = env["cae.deadline.rule"].search([("active", "=", True)])
            for activity_id in self.activity_ids:
                rows = self._deadlines(env, activity_id)
                self.assertTrue(rows)
                self.assertEqual({count for _r, _p, count in rows}, {1})
            # Exactly what one run makes: a third run creates nothing.
            counts = Deadline._generate(
                rules=rules,
                activities=env["cae.activity"].browse(self.activity_ids),
                today=DAY,
            )
            self.assertEqual(counts, {"created": 0, "moved": 0, "cancelled": 0})

        with self.registry.cursor() as cr:
            check(api.Environment(cr, SUPERUSER_ID, {}))
            cr.rollback()
