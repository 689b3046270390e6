"""Seed the accounting benchmark database (gestions_radieuses_account on the French
chart): SCALE activities with 12 months of customer invoices each.

What is made, and how:
- the staff and one portal user and activity per entrepreneur, as bench/seed.py does
  (its functions, no documents: the accounting measures do not read them);
- the company on the French chart (l10n_fr_account), with the posting configuration
  every company with a chart gets (expense journal, 421000, the categories' accounts);
- per activity ``INVOICES_PER_MONTH`` (10) invoices a month over the last 12 months,
  20 % VAT, on 706000 with the activity's analytic account, addressed to the
  entrepreneur's own contact, so that Odoo's /my/invoices (the peer) lists the same
  invoices; created with their lines by batched ``create`` and posted by ``_post``
  in batches of activities, committed per batch; those more than a month old paid
  by bank entries reconciled with them, as the demo does
  (``res.company._cae_demo_payments``). The last activity gets one month only: the
  entrepreneur with few invoices of the "queries flat" comparison;
- 100 submitted reports of 20 expense lines (the first 100 activities, last month),
  lines through the ORM, states set like bench/seed.py sets them: the batch that
  the accountant approves, and that posting turns into 100 journal entries.
Everything is made through the ORM (no SQL copy): at 1 000 activities that is
120 000 invoices, the longest step of the run by far (about 8 invoices a second on
the loaded 2-core machine: hours); INVOICES_PER_MONTH=1 gives the rest of the network
one a month (12 000 invoices at 1 000 activities) while the two measured
entrepreneurs keep 10 a month.
"""

import os
import time
from datetime import date

import benchlib
import seed
from dateutil.relativedelta import relativedelta

MONTHS = 12
INVOICES_PER_MONTH = int(os.environ.get("INVOICES_PER_MONTH", "10"))
# The measured entrepreneurs always have the 10 a month, whatever the rest
# of the network has: their pages are measured at the target's volume.
MEASURED_PER_MONTH = 10
REPORTS = 100
LINES_PER_REPORT = 20
BATCH_ACTIVITIES = 20
SERVICES = (
    "Atelier céramique",
    "Traduction technique",
    "Développement du site vitrine",
    "Formation bureautique",
    "Entretien des jardins partagés",
)


def french_chart(env):
    company = env.ref("base.main_company")
    company.country_id = env.ref("base.fr")
    if company.chart_template != "fr":
        env["account.chart.template"].try_loading("fr", company, install_demo=False)
    company._cae_setup_accounting()
    env.cr.commit()
    return company


def seed_invoices(env, company, activities):
    Move = env["account.move"].with_context(**benchlib.QUIET)
    income = env["res.company"]._cae_demo_account(company, "706000")
    tax = company.account_sale_tax_id
    today = date.today()
    first = today.replace(day=1) - relativedelta(months=MONTHS - 1)
    customers = [activity.entrepreneur_id for activity in activities]
    total = 0
    paid_before = today - relativedelta(months=1)
    for start in range(0, len(activities), BATCH_ACTIVITIES):
        vals_list = []
        batch = list(zip(activities, customers, strict=True))[
            start : start + BATCH_ACTIVITIES
        ]
        for activity, customer in batch:
            few = len(activities) > 1 and activity == activities[-1]
            months = 1 if few else MONTHS
            measured = few or activity == activities[0]
            per_month = MEASURED_PER_MONTH if measured else INVOICES_PER_MONTH
            for month in range(MONTHS - months, MONTHS):
                month_start = first + relativedelta(months=month)
                for n in range(per_month):
                    day = min(month_start + relativedelta(days=n * 3), today)
                    vals_list.append(
                        {
                            "move_type": "out_invoice",
                            "partner_id": customer.id,
                            "invoice_date": day,
                            "invoice_line_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "name": SERVICES[n % len(SERVICES)],
                                        "quantity": 1,
                                        "price_unit": 200 + 37 * n,
                                        "account_id": income.id,
                                        "tax_ids": [(6, 0, tax.ids)],
                                        "analytic_distribution": {
                                            str(activity.analytic_account_id.id): 100
                                        },
                                    },
                                )
                            ],
                        }
                    )
        vals_list.sort(key=lambda vals: vals["invoice_date"])
        moves = Move.create(vals_list)
        moves._post(soft=False)
        to_pay = moves.filtered(lambda move: move.invoice_date < paid_before)
        if to_pay:
            env["res.company"]._cae_demo_payments(
                company,
                [
                    (move, (move.invoice_date + relativedelta(days=20), 1.0))
                    for move in to_pay
                ],
            )
        env.cr.commit()
        env.invalidate_all()
        total += len(moves)
        benchlib.progress(
            f"invoices: {total} ({start + len(batch)}/{len(activities)} activities)"
        )
    return total


def seed_reports(env, activities):
    """100 submitted reports of 20 lines: the batch the accountant approves."""
    categories = env["cae.expense.category"].search([("is_mileage", "=", False)])
    month = date.today().replace(day=1) - relativedelta(months=1)
    vals_list = [
        {
            "activity_id": activity.id,
            "category_id": categories[n % len(categories)].id,
            "date": month + relativedelta(days=n),
            "name": f"{categories[n % len(categories)].name} {n + 1}",
            "amount_total": round(12.5 + (n * 13.37) % 150, 2),
        }
        for activity in activities[:REPORTS]
        for n in range(LINES_PER_REPORT)
    ]
    lines = env["cae.expense.line"].with_context(**benchlib.QUIET).create(vals_list)
    env.flush_all()
    reports = lines.report_id
    env.cr.execute(
        "UPDATE cae_expense_report SET state = 'submitted', submitted_date = %s "
        "WHERE id = ANY(%s)",
        [date.today(), reports.ids],
    )
    env.cr.execute(
        "UPDATE cae_expense_line SET state = 'submitted' WHERE report_id = ANY(%s)",
        [reports.ids],
    )
    env.cr.commit()
    env.invalidate_all()
    benchlib.progress(f"{len(reports)} submitted reports, {len(lines)} lines")
    return reports


def main():
    def add_arguments(parser):
        parser.add_argument("--scale", type=int, default=1000)

    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    started = time.perf_counter()
    with benchlib.odoo_env(odoo_argv) as superuser_env:
        env = superuser_env(context=benchlib.QUIET)
        company = french_chart(env)
        advisors, entrepreneurs = seed.seed_users(env, args.scale)
        activities = seed.seed_activities(env, advisors, entrepreneurs)
        few = entrepreneurs[-1]
        few.password = seed.ENTREPRENEUR_PASSWORD.replace("-1", "-few")
        env.cr.commit()
        invoice_start = time.perf_counter()
        invoices = seed_invoices(env, company, activities)
        invoice_seconds = time.perf_counter() - invoice_start
        reports = seed_reports(env, activities)
        benchlib.vacuum(
            env, "account_move", "account_move_line", "account_analytic_line"
        )
        seconds = time.perf_counter() - started
        benchlib.write_result(
            "seed_accounting",
            {
                "scale": args.scale,
                "seconds": seconds,
                "invoices": invoices,
                "invoices_per_month": INVOICES_PER_MONTH,
                "invoice_seconds": invoice_seconds,
                "invoices_per_s": invoices / invoice_seconds,
                "activities": len(activities),
                "chart_template": company.chart_template,
                "many_login": seed.ENTREPRENEUR_LOGIN,
                "many_password": seed.ENTREPRENEUR_PASSWORD,
                "many_activity_id": activities[0].id,
                "many_invoices": MONTHS * MEASURED_PER_MONTH,
                "few_login": few.login,
                "few_password": seed.ENTREPRENEUR_PASSWORD.replace("-1", "-few"),
                "few_activity_id": activities[-1].id,
                "few_invoices": MEASURED_PER_MONTH,
                "submitted_reports": len(reports),
                "accountant_login": seed.ACCOUNTANT_LOGIN,
                "load_average": os.getloadavg()[0],
            },
        )
        benchlib.progress(
            f"seeded in {seconds:.0f} s: {len(activities)} activities, {invoices} "
            f"invoices ({invoices / invoice_seconds:.0f}/s), {len(reports)} reports"
        )


if __name__ == "__main__":
    main()
