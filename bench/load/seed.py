"""Seed the month-end rush database (``make load``).

What is made: a CAE of ``--entrepreneurs`` portal users, each running one activity
with a car (so that trips are priced), sharing one password whose hash is computed
once (hashing is what a login costs, not what seeding should); three accountants;
a ``project`` portal project where each entrepreneur follows ten tasks of their own
(the peer page, Odoo's ``/my/tasks``); no deadline (the generation cron makes
them during the rush). The logins, ids and the month the entrepreneurs
send are written to ``--out`` (JSON) for the locustfile and the audit.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import benchlib
from dateutil.relativedelta import relativedelta

PASSWORD = "load-rush-2026"
ACCOUNTANTS = 3
TASKS_PER_ENTREPRENEUR = 10


def add_arguments(parser):
    parser.add_argument("--entrepreneurs", type=int, default=210)
    parser.add_argument("--out", required=True)


def main():
    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    with benchlib.odoo_env(odoo_argv) as superuser_env:
        env = superuser_env(context=benchlib.QUIET)
        company = env.company
        portal = env.ref("base.group_portal")
        accountant_group = env.ref("gestions_radieuses.group_accountant")
        users = env["res.users"].create(
            [
                {
                    "name": f"Entrepreneur {index:04d}",
                    "login": f"load-entrepreneur-{index:04d}",
                    "email": f"load-entrepreneur-{index:04d}@example.org",
                    "groups_id": [(6, 0, portal.ids)],
                }
                for index in range(1, args.entrepreneurs + 1)
            ]
        )
        accountants = env["res.users"].create(
            [
                {
                    "name": f"Accountant {index}",
                    "login": f"load-accountant-{index}",
                    "email": f"load-accountant-{index}@example.org",
                    "groups_id": [
                        (6, 0, (env.ref("base.group_user") | accountant_group).ids)
                    ],
                }
                for index in range(1, ACCOUNTANTS + 1)
            ]
        )
        # One hash for everybody: the server still verifies it at each login.
        password_hash = users[:1]._crypt_context().hash(PASSWORD)
        env.cr.execute(
            "UPDATE res_users SET password = %s WHERE id = ANY(%s)",
            [password_hash, (users | accountants).ids],
        )
        activities = env["cae.activity"].create(
            [
                {
                    "name": f"Activité {user.name}",
                    "entrepreneur_id": user.partner_id.id,
                    "stage": "salaried",
                    "vehicle_type": "car",
                    "vehicle_fiscal_power": 4,
                }
                for user in users
            ]
        )
        project = env["project.project"].create(
            {"name": "Suivi", "privacy_visibility": "portal"}
        )
        env["project.task"].create(
            [
                {
                    "name": f"Tâche {number} de {user.name}",
                    "project_id": project.id,
                    "partner_id": user.partner_id.id,
                    "message_partner_ids": [(4, user.partner_id.id)],
                }
                for user in users
                for number in range(1, TASKS_PER_ENTREPRENEUR + 1)
            ]
        )
        project.message_subscribe(partner_ids=users.partner_id.ids)
        Category = env["cae.expense.category"]
        category = Category.search([("is_mileage", "=", False)], limit=1)
        mileage = Category.search([("is_mileage", "=", True)], limit=1)
        # The rush: the month just ended, sent in the first days of the next one.
        month = company._cae_today().replace(day=1) - relativedelta(months=1)
        # Deadlines made from scratch by the cron during the rush (trigger_cron.py).
        env["cae.deadline"].search([]).unlink()
        env.cr.commit()
        data = {
            "password": PASSWORD,
            "db": env.cr.dbname,
            "month": str(month),
            "category_id": category.id,
            "mileage_category_id": mileage.id,
            "entrepreneurs": [
                {"login": user.login, "activity_id": activity.id}
                for user, activity in zip(users, activities, strict=True)
            ],
            "accountants": accountants.mapped("login"),
        }
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
        benchlib.progress(
            f"{len(users)} entrepreneurs, {len(accountants)} accountants, "
            f"{len(users) * TASKS_PER_ENTREPRENEUR} tasks; month {month:%Y-%m}"
        )


if __name__ == "__main__":
    main()
