"""Seed the benchmark database at a given scale (default: 1 000 activities).

What is made, and how:
- staff (a manager, an accountant, ten advisors) and one portal user per activity,
  through the ORM (users without a password except the measured entrepreneur, so that
  nothing waits for password hashing);
- the activities (stages, vehicles, advisors spread like in a real CAE) and their
  documents with files and validity dates, through the ORM in batches, so that every
  rule of the module applies (analytic accounts, stage history, document statuses);
- 12 months x 20 expense lines for the first activity (the measured entrepreneur's),
  through the ORM: reports created on the fly, VAT and mileage computed, receipts
  attached; then the same reports and lines for every other activity, copied by one
  ``INSERT ... SELECT`` per batch of activities, column for column, so the stored
  amounts are the ones the ORM computed;
- the states of a living network: months before the last two paid and exported, last
  month approved (the month to export), 100 older reports submitted (the batch to
  approve), this month in draft;
- the peer of the portal pages: a ``project`` portal project with as many tasks as the
  measured entrepreneur has expense lines, all followed by that entrepreneur.
Deadlines are deleted at the end: generation is measured from scratch.
"""

import base64
import os
import time
from datetime import date, timedelta

import benchlib
from dateutil.relativedelta import relativedelta

ENTREPRENEUR_LOGIN = "bench-entrepreneur-1"
ENTREPRENEUR_PASSWORD = "bench-entrepreneur-1"
ACCOUNTANT_LOGIN = "bench-accountant"
MANAGER_LOGIN = "bench-manager"
MONTHS = 12
LINES_PER_MONTH = 20
MILEAGE_PER_MONTH = 4
SUBMITTED_REPORTS = 100
BATCH = 250

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stage_of(index):
    """A CAE's mix: few candidates, mostly salaried entrepreneurs, some associates."""
    if index == 0:
        return "salaried"
    return {0: "candidate", 1: "cape", 2: "cape", 3: "cape"}.get(
        index % 20, "associate" if index % 20 >= 17 else "salaried"
    )


def vehicle_of(index):
    kind = index % 10
    if kind < 6:
        return {"vehicle_type": "car", "vehicle_fiscal_power": 3 + index % 5}
    if kind == 6:
        return {"vehicle_type": "motorcycle", "vehicle_fiscal_power": 1 + index % 6}
    return {}


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def copy_rows(cr, table, alias, *, overrides, from_where, params):
    """INSERT INTO table (every column) SELECT alias.column or its override ..."""
    cols = columns(cr, table)
    select = ", ".join(overrides.get(col, f"{alias}.{col}") for col in cols)
    names = ", ".join(f'"{col}"' for col in cols)
    cr.execute(f"INSERT INTO {table} ({names}) SELECT {select} {from_where}", params)
    return cr.rowcount


def seed_users(env, scale):
    Users = env["res.users"].with_context(**benchlib.QUIET)
    ref = env.ref
    staff = Users.create(
        [
            {
                "name": "Bench manager",
                "login": MANAGER_LOGIN,
                "groups_id": [(6, 0, [ref("gestions_radieuses.group_manager").id])],
            },
            {
                "name": "Bench accountant",
                "login": ACCOUNTANT_LOGIN,
                "groups_id": [(6, 0, [ref("gestions_radieuses.group_accountant").id])],
            },
        ]
        + [
            {
                "name": f"Bench advisor {n}",
                "login": f"bench-advisor-{n}",
                "groups_id": [(6, 0, [ref("gestions_radieuses.group_advisor").id])],
            }
            for n in range(1, 11)
        ]
    )
    portal = ref("base.group_portal").id
    entrepreneurs = env["res.users"]
    for batch in chunks(list(range(1, scale + 1))):
        entrepreneurs |= Users.create(
            [
                {
                    "name": f"Entrepreneur {n:05d}",
                    "login": f"bench-entrepreneur-{n}",
                    "email": f"entrepreneur{n}@bench.example",
                    "groups_id": [(6, 0, [portal])],
                }
                for n in batch
            ]
        )
        benchlib.progress(f"entrepreneurs (portal users): {len(entrepreneurs)}/{scale}")
    entrepreneurs[0].password = ENTREPRENEUR_PASSWORD
    env.cr.commit()
    return staff[2:], entrepreneurs


def seed_activities(env, advisors, entrepreneurs):
    Activity = env["cae.activity"].with_context(**benchlib.QUIET)
    activities = env["cae.activity"]
    users = list(entrepreneurs)
    today = date.today()
    for batch in chunks(list(enumerate(users))):
        activities |= Activity.create(
            [
                {
                    "name": f"Activity {index + 1:05d}",
                    "entrepreneur_id": user.partner_id.id,
                    "advisor_id": advisors[index % len(advisors)].id,
                    "stage": stage_of(index),
                    "stage_date": today - timedelta(days=30 + index % 700),
                    "sector": ("Crafts", "Services", "Digital", "Building")[index % 4],
                    **vehicle_of(index),
                }
                for index, user in batch
            ]
        )
        benchlib.progress(f"activities: {len(activities)}/{len(users)}")
        env.cr.commit()
    return activities


def seed_documents(env, activities):
    Document = env["cae.activity.document"].with_context(**benchlib.QUIET)
    ref = env.ref
    liability = ref("gestions_radieuses.document_type_liability_insurance").id
    vehicle = ref("gestions_radieuses.document_type_vehicle_insurance").id
    contract = ref("gestions_radieuses.document_type_contract").id
    pdf = base64.b64encode(PDF)
    today = date.today()
    vals_list = []
    for index, activity in enumerate(activities):
        # Expiries spread from a month ago to a year ahead: some expired, some soon.
        until = today + timedelta(days=(index * 37) % 400 - 30)
        vals_list.append(
            {
                "activity_id": activity.id,
                "type_id": liability,
                "file": pdf,
                "file_name": "insurance.pdf",
                "date_from": until - relativedelta(years=1),
                "date_until": until,
            }
        )
        vals_list.append(
            {
                "activity_id": activity.id,
                "type_id": contract,
                "file": pdf,
                "file_name": "contract.pdf",
            }
        )
        if activity.vehicle_type:
            vals_list.append(
                {
                    "activity_id": activity.id,
                    "type_id": vehicle,
                    "file": pdf,
                    "file_name": "vehicle.pdf",
                    "date_from": until - relativedelta(months=6),
                    "date_until": until + relativedelta(months=6),
                }
            )
    done = 0
    for batch in chunks(vals_list, 500):
        Document.create(batch)
        done += len(batch)
        benchlib.progress(f"documents: {done}/{len(vals_list)}")
        env.cr.commit()


def month_starts(today):
    current = today.replace(day=1)
    return [current - relativedelta(months=n) for n in range(MONTHS - 1, -1, -1)]


def seed_template_expenses(env, activity):
    """The measured entrepreneur's year of expenses, through the ORM."""
    Category = env["cae.expense.category"]
    categories = Category.search([("is_mileage", "=", False)])
    mileage = Category.search([("is_mileage", "=", True)], limit=1)
    today = date.today()
    vals_list = []
    for month in month_starts(today):
        last_day = (month + relativedelta(months=1, days=-1)).day
        if month == today.replace(day=1):
            last_day = today.day
        for n in range(LINES_PER_MONTH):
            day = month + timedelta(days=(n * 3) % last_day)
            if n < MILEAGE_PER_MONTH:
                vals_list.append(
                    {
                        "activity_id": activity.id,
                        "category_id": mileage.id,
                        "date": day,
                        "name": f"Client visit {n + 1}",
                        "trip_from": "Lyon",
                        "trip_to": ("Villeurbanne", "Vienne", "Mâcon", "Bron")[n % 4],
                        "distance_km": 12.0 + 17 * n,
                    }
                )
            else:
                category = categories[n % len(categories)]
                vals_list.append(
                    {
                        "activity_id": activity.id,
                        "category_id": category.id,
                        "date": day,
                        "name": f"{category.name} {n + 1}",
                        "amount_total": round(7.5 + (n * 13.37) % 190, 2),
                    }
                )
    lines = env["cae.expense.line"].with_context(**benchlib.QUIET).create(vals_list)
    receipts = lines.filtered(lambda line: not line.is_mileage)
    env["ir.attachment"].create(
        [
            {
                "name": f"receipt-{line.id}.png",
                "raw": PNG,
                "res_model": "cae.expense.line",
                "res_id": line.id,
            }
            for line in receipts
        ]
    )
    env.flush_all()
    env.cr.commit()
    benchlib.progress(f"expenses of the measured entrepreneur: {len(lines)} lines")
    return lines


def copy_expenses(env, template, activities):
    """Every other activity gets the same year of reports and lines, by SQL."""
    cr = env.cr
    others = (activities - template).ids
    done = 0
    for batch in chunks(others, 100):
        copy_rows(
            cr,
            "cae_expense_report",
            "t",
            overrides={
                "activity_id": "a.id",
                "entrepreneur_id": "a.entrepreneur_id",
                "company_id": "a.company_id",
                "name": "'NDF/B' || a.id || '/' || to_char(t.date, 'YYYY-MM')",
                "access_token": "NULL",
                "message_main_attachment_id": "NULL",
            },
            from_where="FROM cae_expense_report t "
            "JOIN cae_activity a ON a.id = ANY(%s) WHERE t.activity_id = %s",
            params=[batch, template.id],
        )
        lines = copy_rows(
            cr,
            "cae_expense_line",
            "l",
            overrides={
                "report_id": "nr.id",
                "activity_id": "nr.activity_id",
                "company_id": "nr.company_id",
                "spent_by_id": "nr.entrepreneur_id",
            },
            from_where="FROM cae_expense_line l "
            "JOIN cae_expense_report tr ON tr.id = l.report_id "
            "JOIN cae_expense_report nr ON nr.date = tr.date "
            "AND nr.activity_id = ANY(%s) WHERE l.activity_id = %s",
            params=[batch, template.id],
        )
        done += len(batch)
        cr.commit()
        benchlib.progress(
            f"expenses copied: {done}/{len(others)} activities (+{lines} lines)"
        )


def set_report_states(env, template):
    """Paid and exported up to two months ago, last month approved, this month in
    draft, and 100 older reports of other activities waiting for approval."""
    cr = env.cr
    today = date.today()
    current = today.replace(day=1)
    before_last, last = (
        current - relativedelta(months=2),
        current - relativedelta(months=1),
    )
    cols = set(columns(cr, "cae_expense_report"))

    def update(sets, where, params):
        sets = {col: expr for col, expr in sets.items() if col in cols}
        assignments = ", ".join(f"{col} = {expr}" for col, expr in sets.items())
        cr.execute(f"UPDATE cae_expense_report SET {assignments} WHERE {where}", params)
        return cr.rowcount

    decided = {
        "submitted_date": "date + interval '1 month 3 days'",
        "approved_date": "date + interval '1 month 6 days'",
    }
    update(
        {
            **decided,
            "state": "'paid'",
            "exported": "true",
            "export_date": "date + interval '1 month 8 days'",
            "amount_paid": "amount_total",
            "amount_residual": "0",
            "payment_date": "date + interval '1 month 10 days'",
        },
        "date < %s",
        [before_last],
    )
    update(
        {
            **decided,
            "state": "'approved'",
            "exported": "true",
            "export_date": "date + interval '1 month 8 days'",
            "amount_residual": "amount_total",
        },
        "date = %s",
        [before_last],
    )
    update(
        {
            **decided,
            "state": "'approved'",
            "exported": "false",
            "amount_residual": "amount_total",
        },
        "date = %s",
        [last],
    )
    submitted = update(
        {
            "state": "'submitted'",
            "submitted_date": "date + interval '1 month 3 days'",
            "approved_date": "NULL",
            "exported": "false",
            "export_date": "NULL",
            "amount_paid": "0",
            "amount_residual": "0",
            "payment_date": "NULL",
        },
        "id IN (SELECT id FROM cae_expense_report WHERE activity_id != %s "
        "AND date <= %s ORDER BY date DESC, activity_id LIMIT %s)",
        [template.id, before_last, SUBMITTED_REPORTS],
    )
    cr.execute(
        "UPDATE cae_expense_line l SET state = r.state FROM cae_expense_report r "
        "WHERE r.id = l.report_id AND l.state IS DISTINCT FROM r.state"
    )
    cr.commit()
    env.invalidate_all()
    benchlib.progress(f"report states set ({submitted} submitted for approval)")
    return last


def seed_project_peer(env, user, task_count):
    project = (
        env["project.project"]
        .with_context(**benchlib.QUIET)
        .create({"name": "Bench peer project", "privacy_visibility": "portal"})
    )
    tasks = (
        env["project.task"]
        .with_context(**benchlib.QUIET)
        .create(
            [
                {"name": f"Task {n + 1:04d}", "project_id": project.id}
                for n in range(task_count)
            ]
        )
    )
    tasks.message_subscribe(partner_ids=user.partner_id.ids)
    env.cr.commit()
    benchlib.progress(f"peer: {task_count} project tasks followed by the entrepreneur")
    return project


def main():
    def add_arguments(parser):
        parser.add_argument("--scale", type=int, default=1000)

    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    started = time.perf_counter()
    with benchlib.odoo_env(odoo_argv) as superuser_env:
        env = superuser_env(context=benchlib.QUIET)
        advisors, entrepreneurs = seed_users(env, args.scale)
        activities = seed_activities(env, advisors, entrepreneurs)
        seed_documents(env, activities)
        template = activities[0]
        lines = seed_template_expenses(env, template)
        copy_expenses(env, template, activities)
        export_month = set_report_states(env, template)
        user = entrepreneurs[0]
        project = seed_project_peer(env, user, len(lines))
        partner = user.partner_id
        feed_path = f"/cae/calendar/{partner.id}-{partner._cae_calendar_token()}.ics"
        env.cr.execute("DELETE FROM cae_deadline")
        env.cr.commit()
        benchlib.vacuum(env, "cae_deadline", "cae_expense_report", "cae_expense_line")
        current = env["cae.expense.report"].search(
            [
                ("activity_id", "=", template.id),
                ("date", "=", date.today().replace(day=1)),
            ]
        )
        env.cr.execute("SELECT count(*) FROM cae_expense_line")
        total_lines = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM cae_expense_report")
        total_reports = env.cr.fetchone()[0]
        seconds = time.perf_counter() - started
        benchlib.write_result(
            "seed",
            {
                "scale": args.scale,
                "seconds": seconds,
                "activities": len(activities),
                "expense_lines": total_lines,
                "expense_reports": total_reports,
                "entrepreneur_login": ENTREPRENEUR_LOGIN,
                "entrepreneur_password": ENTREPRENEUR_PASSWORD,
                "entrepreneur_lines": len(lines),
                "entrepreneur_activity_id": template.id,
                "current_report_id": current.id,
                "current_report_lines": len(current.line_ids),
                "feed_path": feed_path,
                "peer_project_id": project.id,
                "peer_task_count": len(lines),
                "export_month": export_month,
                "accountant_login": ACCOUNTANT_LOGIN,
                "manager_login": MANAGER_LOGIN,
                "load_average": os.getloadavg()[0],
            },
        )
        benchlib.progress(
            f"seeded in {seconds:.0f} s: {len(activities)} activities, "
            f"{total_reports} reports, {total_lines} expense lines"
        )


if __name__ == "__main__":
    main()
