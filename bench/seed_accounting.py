"""Seed the accounting benchmark database (gestions_radieuses_account on the French
chart): SCALE activities with 12 months of customer invoices each (10 a month), most
paid, and a few charges.

What is made, and how:
- the staff and one portal user and activity per entrepreneur, as bench/seed.py does
  (its functions, no documents: the accounting measures do not read them);
- the company on the French chart (l10n_fr_account), with the posting configuration
  every company with a chart gets (``res.company._cae_setup_accounting``);
- through the ORM, the books of the two measured entrepreneurs:
  - the first activity (the "many" entrepreneur, and the template of the others):
    10 invoices a month over the last 12 months, 20 % VAT, on 706000 with the
    activity's analytic account, addressed to the entrepreneur's own contact (so
    that Odoo's /my/invoices, the peer, lists the same invoices), posted; those
    more than a month old paid by bank entries reconciled with them, as the demo
    does (``res.company._cae_demo_payments``); and charges: a vendor bill for rent
    (613200) every month and one for the phone (626000) every three months, 20 %
    deductible VAT, the activity's analytic account, paid 15 days later;
  - the last activity (the "few" entrepreneur of the "queries flat" comparison):
    10 invoices this month, unpaid;
- every other activity: the first activity's entries copied in SQL
  (``copy_books``), as bench/seed.py copies expenses. Copied, row for row, with new
  ids: ``account_move`` (invoices, bills, bank entries), ``account_move_line``
  (with their taxes and tax grids: ``account_move_line_account_tax_rel``,
  ``account_account_tag_account_move_line_rel``), ``account_analytic_line``,
  ``account_partial_reconcile`` and ``account_full_reconcile``. In the copies:
  every reference between these rows points to the copied row; the activity's own
  analytic account replaces the template's in ``analytic_distribution`` and in
  the analytic line's plan column; the activity's entrepreneur replaces the
  template's wherever the template has them (move, lines, analytic lines: the
  customer of the invoices and the third party of the receivable); each entry gets
  a name unique in its journal (same prefix, number shifted by the copy's rank
  times the largest number of that prefix, padded as Odoo pads it), also in the
  lines' ``move_name``, a label or analytic ``ref`` equal to the entry's name, and
  the invoices' ``payment_reference``; the matching numbers follow the copied
  reconciliations; the entries' followers (``mail_followers``: the customer, whom
  Odoo's portal rule on invoices, and so /my/invoices, finds them by, and the
  suppliers), with the activity's entrepreneur for the template's. Not copied,
  left empty: the French inalterability hash and secure sequence number, access
  tokens, attachments, chatter (the template has none: seeding is quiet), the
  followers' subtypes (notifications only). Kept from the template: dates,
  amounts, residuals and payment states, suppliers, the bank lines' labels (the
  template's invoice names). So the copies hold what the ORM would have written
  for what the measures read (analytic lines by plan column, move lines and
  moves by move_id, partials by line, invoices by follower);
- 100 submitted reports of 20 expense lines (the first 100 activities, last month),
  lines through the ORM, states set like bench/seed.py sets them: the batch that
  the accountant approves, and that posting turns into 100 journal entries.
"""

import os
import time
from datetime import date

import benchlib
import seed
from dateutil.relativedelta import relativedelta

MONTHS = 12
INVOICES_PER_MONTH = 10
REPORTS = 100
LINES_PER_REPORT = 20
# Activities copied per INSERT (and per commit).
COPY_BATCH = 100
SERVICES = (
    "Atelier céramique",
    "Traduction technique",
    "Développement du site vitrine",
    "Formation bureautique",
    "Entretien des jardins partagés",
)
# (supplier, label, account, amount excluding VAT, every N months)
CHARGES = (
    ("Foncière des Pentes", "Loyer de l'atelier", "613200", 350, 1),
    ("Orange Business", "Abonnement téléphone et internet", "626000", 45, 3),
)
# The tables copied per activity, in the order they are written (each one's rows
# refer to those of the tables before it).
COPIED = (
    "account_full_reconcile",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_analytic_line",
)
# Many2many tables of the move lines, copied with them.
LINE_RELATIONS = (
    ("account_move_line_account_tax_rel", "account_move_line_id"),
    ("account_account_tag_account_move_line_rel", "account_move_line_id"),
)
# Left empty in the copies (see the module's docstring).
EMPTIED = {
    "account_move": (
        "inalterable_hash",
        "secure_sequence_number",
        "access_token",
        "message_main_attachment_id",
    ),
}


def french_chart(env):
    company = env.ref("base.main_company")
    company.country_id = env.ref("base.fr")
    if company.chart_template != "fr":
        env["account.chart.template"].try_loading("fr", company, install_demo=False)
    company._cae_setup_accounting()
    env.cr.commit()
    return company


def invoice_vals(activity, day, n, income, tax):
    return {
        "move_type": "out_invoice",
        "partner_id": activity.entrepreneur_id.id,
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


def seed_orm_books(env, company, activity, months):
    """One activity's invoices (10 a month over ``months``), and over 12 months its
    charges, through the ORM; paid as the demo pays. Returns the moves made."""
    Company = env["res.company"]
    Move = env["account.move"].with_context(**benchlib.QUIET)
    income = Company._cae_demo_account(company, "706000")
    today = date.today()
    first = today.replace(day=1) - relativedelta(months=MONTHS - 1)
    paid_before = today - relativedelta(months=1)
    distribution = {str(activity.analytic_account_id.id): 100}
    invoices_vals, bills_vals = [], []
    for month in range(MONTHS - months, MONTHS):
        month_start = first + relativedelta(months=month)
        for n in range(INVOICES_PER_MONTH):
            day = min(month_start + relativedelta(days=n * 3), today)
            invoices_vals.append(
                invoice_vals(activity, day, n, income, company.account_sale_tax_id)
            )
        if months < MONTHS:
            continue
        for supplier, label, code, amount, every in CHARGES:
            if month % every:
                continue
            day = month_start + relativedelta(days=4)
            bills_vals.append(
                {
                    "move_type": "in_invoice",
                    "partner_id": Company._cae_demo_partner(
                        supplier, "supplier_rank"
                    ).id,
                    "invoice_date": day,
                    "ref": f"{label} {day.strftime('%m/%Y')}",
                    "invoice_line_ids": [
                        Company._cae_demo_line(
                            label,
                            amount,
                            Company._cae_demo_account(company, code),
                            company.account_purchase_tax_id,
                            distribution,
                        )
                    ],
                }
            )
    moves = Move.create(invoices_vals + bills_vals)
    moves.sorted(lambda move: (move.invoice_date, move.id))._post(soft=False)
    plan = [
        (move, (move.invoice_date + relativedelta(days=20), 1.0))
        for move in moves
        if move.move_type == "out_invoice" and move.invoice_date < paid_before
    ] + [
        (move, (move.invoice_date + relativedelta(days=15), 1.0))
        for move in moves
        if move.move_type == "in_invoice"
        and move.invoice_date + relativedelta(days=15) <= today
    ]
    if plan:
        Company._cae_demo_payments(company, plan)
    env.cr.commit()
    env.invalidate_all()
    return moves


def _id_ranges(cr, template_moves):
    """{table: (lowest id, highest id)} of the template's rows in COPIED."""
    cr.execute(
        """
        SELECT 'account_move', min(id), max(id) FROM account_move WHERE id = ANY(%(m)s)
        UNION ALL
        SELECT 'account_move_line', min(id), max(id)
          FROM account_move_line WHERE move_id = ANY(%(m)s)
        UNION ALL
        SELECT 'account_analytic_line', min(a.id), max(a.id)
          FROM account_analytic_line a
          JOIN account_move_line l ON l.id = a.move_line_id WHERE l.move_id = ANY(%(m)s)
        UNION ALL
        SELECT 'account_partial_reconcile', min(p.id), max(p.id)
          FROM account_partial_reconcile p
          JOIN account_move_line l ON l.id = p.debit_move_id
         WHERE l.move_id = ANY(%(m)s)
        UNION ALL
        SELECT 'account_full_reconcile', min(l.full_reconcile_id),
               max(l.full_reconcile_id)
          FROM account_move_line l WHERE l.move_id = ANY(%(m)s)
        """,
        {"m": template_moves},
    )
    return {table: (low, high) for table, low, high in cr.fetchall() if low}


def _foreign_keys(cr, table):
    """{column: referenced table} of ``table``'s foreign keys."""
    cr.execute(
        """
        SELECT a.attname, c.confrelid::regclass::text
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND c.conrelid = %s::regclass
        """,
        [table],
    )
    return dict(cr.fetchall())


def _template_moves(cr, template, plan_column):
    """The template activity's entries: those of its analytic lines (invoices,
    bills), and the bank entries reconciled with them."""
    cr.execute(
        "SELECT DISTINCT l.move_id FROM account_analytic_line a "
        "JOIN account_move_line l ON l.id = a.move_line_id "
        f"WHERE a.{plan_column} = %s",
        [template.analytic_account_id.id],
    )
    books = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        SELECT DISTINCT other.move_id
          FROM account_move_line l
          JOIN account_partial_reconcile p
            ON l.id IN (p.debit_move_id, p.credit_move_id)
          JOIN account_move_line other
            ON other.id IN (p.debit_move_id, p.credit_move_id)
         WHERE l.move_id = ANY(%s)
        """,
        [books],
    )
    return sorted(set(books) | {row[0] for row in cr.fetchall()})


def _prepare_copies(cr, activities):
    """Temporary tables: bench_copy (rank k, activity, analytic account, partner)
    and bench_sequence (the largest number of each journal and prefix: copy k's
    numbers are the template's shifted by k times it, unique in the journal)."""
    cr.execute("DROP TABLE IF EXISTS bench_copy, bench_sequence")
    cr.execute(
        """
        CREATE TEMPORARY TABLE bench_copy AS
        SELECT row_number() OVER (ORDER BY a.id) AS k, a.id AS activity_id,
               a.analytic_account_id AS analytic_id, p.id AS partner_id,
               p.name AS partner_name
          FROM cae_activity a JOIN res_partner p ON p.id = a.entrepreneur_id
         WHERE a.id = ANY(%s)
        """,
        [activities.ids],
    )
    cr.execute(
        """
        CREATE TEMPORARY TABLE bench_sequence AS
        SELECT journal_id, sequence_prefix, max(sequence_number) AS top
          FROM account_move WHERE sequence_prefix IS NOT NULL
         GROUP BY journal_id, sequence_prefix
        """
    )


def _table_copy(cr, table, cols, new_id, template):
    """(overrides {column: SQL}, joins, scope) of the INSERT … SELECT of ``table``:
    ``t`` the template's row, ``c`` the copy (bench_copy)."""
    ranges = new_id.ranges
    plan_column = template.analytic_account_id.root_plan_id._column_name()
    partner = template.entrepreneur_id
    analytic = template.analytic_account_id.id
    overrides = {"id": new_id("t.id", table)}
    for column, target in _foreign_keys(cr, table).items():
        if target in ranges and column in cols:
            overrides[column] = new_id(f"t.{column}", target)
        elif target == "res_partner" and column in cols:
            overrides[column] = (
                f"CASE WHEN t.{column} = {partner.id} THEN c.partner_id "
                f"ELSE t.{column} END"
            )
    for column in EMPTIED.get(table, ()):
        if column in cols:
            overrides[column] = "NULL"
    joins = ""
    if table == "account_move":
        number = "t.sequence_number + c.k * s.top"
        overrides["sequence_number"] = number
        overrides["name"] = name = (
            f"t.sequence_prefix || lpad(({number})::text, greatest("
            "length(t.name) - length(t.sequence_prefix), "
            f"length(({number})::text)), '0')"
        )
        overrides["payment_reference"] = (
            f"CASE WHEN t.payment_reference = t.name THEN {name} "
            "ELSE t.payment_reference END"
        )
        overrides["invoice_partner_display_name"] = (
            "CASE WHEN t.invoice_partner_display_name = "
            f"{_quote(cr, partner.name)} THEN c.partner_name "
            "ELSE t.invoice_partner_display_name END"
        )
        joins = (
            "JOIN bench_sequence s ON s.journal_id = t.journal_id "
            "AND s.sequence_prefix = t.sequence_prefix"
        )
        scope = "t.id = ANY(%(moves)s)"
    elif table == "account_move_line":
        overrides["move_name"] = "m.name"
        overrides["name"] = "CASE WHEN t.name = t.move_name THEN m.name ELSE t.name END"
        overrides["analytic_distribution"] = (
            f"CASE WHEN t.analytic_distribution ? '{analytic}' "
            f"THEN (t.analytic_distribution - '{analytic}') "
            "|| jsonb_build_object(c.analytic_id::text, "
            f"t.analytic_distribution -> '{analytic}') "
            "ELSE t.analytic_distribution END"
        )
        partial = new_id(
            "substr(t.matching_number, 2)::int", "account_partial_reconcile"
        )
        full = new_id("t.full_reconcile_id", "account_full_reconcile")
        overrides["matching_number"] = (
            f"CASE WHEN t.matching_number LIKE 'P%%' THEN 'P' || {partial} "
            f"WHEN t.full_reconcile_id IS NOT NULL THEN {full}::text "
            "ELSE t.matching_number END"
        )
        joins = "JOIN account_move m ON m.id = " + new_id("t.move_id", "account_move")
        scope = "t.move_id = ANY(%(moves)s)"
    elif table == "account_analytic_line":
        overrides[plan_column] = (
            f"CASE WHEN t.{plan_column} = {analytic} "
            f"THEN c.analytic_id ELSE t.{plan_column} END"
        )
        overrides["ref"] = "CASE WHEN t.ref = om.name THEN m.name ELSE t.ref END"
        joins = (
            "JOIN account_move_line ol ON ol.id = t.move_line_id "
            "JOIN account_move om ON om.id = ol.move_id "
            "JOIN account_move m ON m.id = " + new_id("om.id", "account_move")
        )
        scope = "ol.move_id = ANY(%(moves)s)"
    elif table == "account_partial_reconcile":
        joins = "JOIN account_move_line ol ON ol.id = t.debit_move_id"
        scope = "ol.move_id = ANY(%(moves)s)"
    else:  # account_full_reconcile
        scope = (
            "t.id IN (SELECT full_reconcile_id FROM account_move_line "
            "WHERE move_id = ANY(%(moves)s))"
        )
    return overrides, joins, scope


class NewId:
    """SQL of a copied row's id: the template's id shifted past the table's last id
    (``bases``, read before each batch), then by the copy's rank in the batch."""

    def __init__(self, ranges, bases, first_rank):
        self.ranges, self.bases, self.first_rank = ranges, bases, first_rank

    def __call__(self, expression, table):
        low, high = self.ranges[table]
        return (
            f"({expression} + {self.bases[table] - low} "
            f"+ (c.k - {self.first_rank}) * {high - low + 1})"
        )


def copy_books(env, template, activities):
    """Every activity of ``activities`` gets the template activity's entries, by SQL
    (what is copied and how: the module's docstring)."""
    cr = env.cr
    env.flush_all()
    plan_column = template.analytic_account_id.root_plan_id._column_name()
    template_moves = _template_moves(cr, template, plan_column)
    ranges = _id_ranges(cr, template_moves)
    _prepare_copies(cr, activities)
    params = {"moves": template_moves}
    total = {}
    for start in range(0, len(activities), COPY_BATCH):
        bases = {}
        for table in COPIED:
            cr.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            bases[table] = cr.fetchone()[0]
        new_id = NewId(ranges, bases, start + 1)
        where = f"c.k BETWEEN {start + 1} AND {start + COPY_BATCH}"
        for table in COPIED:
            if table not in ranges:
                continue
            cols = ["id", *seed.columns(cr, table)]
            overrides, joins, scope = _table_copy(cr, table, cols, new_id, template)
            select = ", ".join(overrides.get(col, f"t.{col}") for col in cols)
            names = ", ".join(f'"{col}"' for col in cols)
            cr.execute(
                f"INSERT INTO {table} ({names}) SELECT {select} "
                f"FROM {table} t CROSS JOIN bench_copy c {joins} "
                f"WHERE {scope} AND {where}",
                params,
            )
            total[table] = total.get(table, 0) + cr.rowcount
        # The followers: Odoo's portal rule on invoices (and so /my/invoices, the
        # peer) finds a customer's invoices through them.
        cr.execute(
            "INSERT INTO mail_followers (res_model, res_id, partner_id) "
            f"SELECT f.res_model, {new_id('f.res_id', 'account_move')}, "
            f"CASE WHEN f.partner_id = {template.entrepreneur_id.id} "
            "THEN c.partner_id ELSE f.partner_id END "
            "FROM mail_followers f CROSS JOIN bench_copy c "
            "WHERE f.res_model = 'account.move' AND f.res_id = ANY(%(moves)s) "
            f"AND {where}",
            params,
        )
        total["mail_followers"] = total.get("mail_followers", 0) + cr.rowcount
        for relation, column in LINE_RELATIONS:
            other = [c for c in seed.columns(cr, relation) if c != column]
            cr.execute(
                f"INSERT INTO {relation} ({column}, {', '.join(other)}) "
                f"SELECT {new_id('r.' + column, 'account_move_line')}, "
                f"{', '.join('r.' + c for c in other)} FROM {relation} r "
                f"JOIN account_move_line l ON l.id = r.{column} "
                f"CROSS JOIN bench_copy c WHERE l.move_id = ANY(%(moves)s) AND {where}",
                params,
            )
            total[relation] = total.get(relation, 0) + cr.rowcount
        cr.commit()
        benchlib.progress(
            f"books copied: {min(start + COPY_BATCH, len(activities))}/"
            f"{len(activities)} activities ({total.get('account_move', 0)} entries, "
            f"{total.get('account_move_line', 0)} lines)"
        )
    for table in COPIED:
        cr.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))"
        )
    cr.commit()
    env.invalidate_all()
    return total, len(template_moves)


def _quote(cr, text):
    return cr.mogrify("%s", [text]).decode()


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


def check_copies(env, template, copies):
    """The copies' figures, read by the dashboard's own code, are the template's
    (but for those that depend on the activity's contribution rate): the copy
    holds what the measured queries read."""
    Activity = env["cae.activity"]
    sample = template | copies[:1] | copies[-1:]
    figures = Activity.browse(sample.ids)._cae_figures()

    def comparable(activity):
        return [
            (
                fig["code"],
                fig["value"],
                fig["last_date"],
                [month["value"] for month in fig.get("months", ())],
                [invoice["amount_due"] for invoice in fig.get("invoices", ())],
            )
            for fig in figures[activity.id]["figures"]
            if fig["kind"] not in ("contribution", "balance")
        ]

    expected = comparable(template)
    for copy in sample - template:
        if comparable(copy) != expected:
            raise RuntimeError(
                f"The copied books of {copy.name} do not give the template's figures"
            )
    benchlib.progress(
        f"copies checked: {len(sample) - 1} copied activities show the template's "
        f"{len(expected)} figures"
    )


def count_invoices(env):
    env.cr.execute(
        "SELECT count(*) FROM account_move "
        "WHERE move_type = 'out_invoice' AND state = 'posted'"
    )
    return env.cr.fetchone()[0]


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
        books_start = time.perf_counter()
        template, few_activity = activities[0], activities[-1]
        template_moves = seed_orm_books(env, company, template, MONTHS)
        orm_seconds = time.perf_counter() - books_start
        benchlib.progress(
            f"template books through the ORM: {len(template_moves)} entries "
            f"in {orm_seconds:.0f} s"
        )
        copied, copied_per_activity = {}, 0
        if len(activities) > 2:
            copy_start = time.perf_counter()
            copied, copied_per_activity = copy_books(
                env, template, activities - template - few_activity
            )
            copy_seconds = time.perf_counter() - copy_start
            check_copies(env, template, activities - template - few_activity)
        else:
            copy_seconds = 0.0
        if len(activities) > 1:
            seed_orm_books(env, company, few_activity, 1)
        books_seconds = time.perf_counter() - books_start
        invoices = count_invoices(env)
        reports = seed_reports(env, activities)
        benchlib.vacuum(
            env,
            "account_move",
            "account_move_line",
            "account_analytic_line",
            "account_partial_reconcile",
            "account_full_reconcile",
        )
        seconds = time.perf_counter() - started
        benchlib.write_result(
            "seed_accounting",
            {
                "scale": args.scale,
                "seconds": seconds,
                "invoices": invoices,
                "invoices_per_month": INVOICES_PER_MONTH,
                "books_seconds": books_seconds,
                "orm_seconds": orm_seconds,
                "copy_seconds": copy_seconds,
                "copied": copied,
                "entries_per_activity": copied_per_activity,
                "invoices_per_s": invoices / books_seconds,
                "activities": len(activities),
                "chart_template": company.chart_template,
                "many_login": seed.ENTREPRENEUR_LOGIN,
                "many_password": seed.ENTREPRENEUR_PASSWORD,
                "many_activity_id": template.id,
                "many_invoices": MONTHS * INVOICES_PER_MONTH,
                "few_login": few.login,
                "few_password": seed.ENTREPRENEUR_PASSWORD.replace("-1", "-few"),
                "few_activity_id": few_activity.id,
                "few_invoices": INVOICES_PER_MONTH,
                "submitted_reports": len(reports),
                "accountant_login": seed.ACCOUNTANT_LOGIN,
                "load_average": os.getloadavg()[0],
            },
        )
        benchlib.progress(
            f"seeded in {seconds:.0f} s: {len(activities)} activities, {invoices} "
            f"invoices (books in {books_seconds:.0f} s, of which SQL copy "
            f"{copy_seconds:.0f} s), {len(reports)} reports"
        )


if __name__ == "__main__":
    main()
