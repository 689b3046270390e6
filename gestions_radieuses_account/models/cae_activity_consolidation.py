from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.gestions_radieuses.models.cae_activity import STAGES
from odoo.tools import SQL

# "No turnover for three months": no income entry in the last three full months
# nor in the current one.
QUIET_MONTHS = 3


def figure_periods(today):
    """The periods of the activity figures for the CAE's day ``today``, as the
    dashboard (``cae.activity._cae_figures``) counts them too: this year from
    1 January to today; last year from 1 January to the same day (29 February
    gives 28 February); the 12 months of the chart and of the contribution, the
    current month and the 11 before it; the months in which an income entry must
    exist for the activity not to be flagged, the current one and the 3 before."""
    month_start = today.replace(day=1)
    return {
        "today": today,
        "year_start": today.replace(month=1, day=1),
        "last_year_start": today.replace(month=1, day=1) - relativedelta(years=1),
        "last_year_today": today - relativedelta(years=1),
        "months12_start": month_start - relativedelta(months=11),
        "quiet_start": month_start - relativedelta(months=QUIET_MONTHS),
    }


class CaeActivityConsolidation(models.Model):
    """The support team's consolidated table (autonomie #575): one row per
    activity, from its books, in one SQL query for the whole network.

    The figures are those of the entrepreneur's dashboard ("Mon activité en
    chiffres", ``cae.activity._cae_figures``), defined by the same ``cae.figure``
    records: turnover and charges are the "accounts" figures of those families,
    the balance is the "balance" figure minus the CAE contribution. Change one
    definition, change both."""

    _name = "cae.activity.consolidation"
    _description = "Consolidated table of the activities"
    _auto = False
    _order = "name, id"
    _rec_name = "name"
    _depends = {
        "cae.activity": [
            "name",
            "active",
            "company_id",
            "entrepreneur_id",
            "advisor_id",
            "stage",
            "contribution_rate",
            "analytic_account_id",
        ],
        "cae.figure": [
            "active",
            "code",
            "kind",
            "family",
            "account_prefixes",
            "sign",
            "company_id",
        ],
        "account.analytic.line": ["date", "amount", "general_account_id", "company_id"],
        "account.account": ["code_store"],
    }

    name = fields.Char(string="Activity", readonly=True)
    activity_id = fields.Many2one(
        "cae.activity", string="Activity record", readonly=True
    )
    active = fields.Boolean(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    entrepreneur_id = fields.Many2one(
        "res.partner", string="Lead entrepreneur", readonly=True
    )
    advisor_id = fields.Many2one("res.users", readonly=True)
    stage = fields.Selection(STAGES, readonly=True)
    contribution_rate = fields.Float(
        string="Contribution rate (%)", readonly=True, aggregator=None
    )
    turnover_this_year = fields.Monetary(
        string="Turnover this year",
        readonly=True,
        help="Turnover invoiced excluding VAT from 1 January to today (the CAE's day).",
    )
    turnover_last_year = fields.Monetary(
        string="Turnover last year",
        readonly=True,
        help="Turnover invoiced excluding VAT over the same months of last year, "
        "from 1 January to the same day.",
    )
    turnover_change = fields.Float(
        string="Turnover change (%)",
        readonly=True,
        aggregator=None,
        help="This year against the same months of last year; empty without "
        "turnover last year.",
    )
    charges_this_year = fields.Monetary(
        string="Charges this year",
        readonly=True,
        help="Charges excluding VAT from 1 January to today: purchases, external "
        "services, taxes, salaries and other charges, as the figures define them.",
    )
    charges_last_year = fields.Monetary(
        string="Charges last year",
        readonly=True,
        help="Charges excluding VAT over the same months of last year.",
    )
    charges_change = fields.Float(
        string="Charges change (%)",
        readonly=True,
        aggregator=None,
        help="This year against the same months of last year; empty without "
        "charges last year.",
    )
    turnover_12_months = fields.Monetary(
        string="Turnover over 12 months",
        readonly=True,
        help="Turnover of the current month and the 11 before it, on which the "
        "contribution is counted.",
    )
    contribution = fields.Monetary(
        string="CAE contribution",
        readonly=True,
        help="The activity's contribution rate applied to the turnover over 12 months.",
    )
    balance = fields.Monetary(
        readonly=True,
        help="The available balance of the entrepreneur's dashboard: income minus "
        "charges since the activity began (the accounts of the Available balance "
        "figure), minus the CAE contribution.",
    )
    negative_balance = fields.Boolean(string="Negative balance", readonly=True)
    no_recent_turnover = fields.Boolean(
        string="No turnover for three months",
        readonly=True,
        help="No income entry this month nor in the three months before it.",
    )
    last_entry_date = fields.Date(
        string="Last entry",
        readonly=True,
        help="Date of the activity's latest entry in the books.",
    )

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------
    @property
    def _table_query(self):
        companies, plans = self._activity_companies_and_plans()
        return SQL(
            """
            WITH %(company_day)s,
            %(figure_account)s,
            activity_line AS (%(activity_line)s),
            totals AS (%(totals)s),
            figures AS (%(figures)s)
            %(select)s
            """,
            company_day=self._company_day_sql(companies),
            figure_account=self._figure_account_sql(),
            activity_line=self._activity_line_sql(plans),
            totals=self._totals_sql(),
            figures=self._figures_sql(),
            select=self._select_sql(),
        )

    @api.model
    def _activity_companies_and_plans(self):
        """The companies that have activities, and the root plans of the
        activities' analytic accounts (usually one), as superuser: plans are
        configuration the support team may not read, and the rows are filtered
        by the record rules of this model."""
        self.env["cae.activity"].flush_model(["company_id", "analytic_account_id"])
        self.env["account.analytic.account"].flush_model(["root_plan_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT activity.company_id, account.root_plan_id
              FROM cae_activity activity
              LEFT JOIN account_analytic_account account
                ON account.id = activity.analytic_account_id
            """
        )
        rows = self.env.cr.fetchall()
        env = self.sudo().with_context(active_test=False).env
        return (
            env["res.company"].browse({company_id for company_id, _plan in rows}),
            env["account.analytic.plan"].browse(
                {plan for _company, plan in rows if plan}
            ),
        )

    @api.model
    def _company_day_sql(self, companies):
        """Each company's day and periods (its own time zone), computed from the
        clock in Python: the database's clock is not the CAE's day, and tests
        move the clock with freeze_time."""
        rows = []
        for company in companies:
            periods = figure_periods(company._cae_today())
            rows.append(
                SQL(
                    "(%s, %s, %s::date, %s::date, %s::date, %s::date, %s::date, "
                    "%s::date)",
                    company.id,
                    str(company.root_id.id),
                    periods["today"],
                    periods["year_start"],
                    periods["last_year_start"],
                    periods["last_year_today"],
                    periods["months12_start"],
                    periods["quiet_start"],
                )
            )
        columns = SQL(
            "company_day (company_id, root_key, today, year_start, last_year_start, "
            "last_year_today, months12_start, quiet_start)"
        )
        if not rows:  # no activity yet: an empty table, not a syntax error
            return SQL(
                "%s AS (SELECT NULL::int, NULL::text, NULL::date, NULL::date, "
                "NULL::date, NULL::date, NULL::date, NULL::date WHERE FALSE)",
                columns,
            )
        return SQL("%s AS (VALUES %s)", columns, SQL(", ").join(rows))

    @api.model
    def _figure_account_sql(self):
        """The accounts of each company's figures: the company's own figures, and
        the shared ones whose code it has not redefined. An account counts once
        per figure (even under two of its prefixes) and in each figure it matches,
        as the dashboard adds the figures of a family up. The code of an account
        is per root company in Odoo 18 (``code_store``)."""
        return SQL(
            """
            company_figure AS (
                SELECT day.company_id, day.root_key, figure.code,
                       CASE WHEN figure.code = 'balance' THEN 'balance'
                            ELSE figure.family END AS measure,
                       CASE WHEN figure.sign = 'credit' THEN 1 ELSE -1 END AS factor,
                       figure.account_prefixes
                  FROM company_day day
                  JOIN cae_figure figure
                    ON figure.active
                   AND (figure.company_id = day.company_id
                        OR (figure.company_id IS NULL AND NOT EXISTS (
                                SELECT 1 FROM cae_figure own
                                 WHERE own.active AND own.company_id = day.company_id
                                   AND own.code = figure.code)))
                 WHERE figure.code = 'balance'
                    OR (figure.kind = 'accounts'
                        AND figure.family IN ('turnover', 'charges'))
            ),
            figure_account AS (
                SELECT DISTINCT company_figure.company_id, company_figure.code,
                       company_figure.measure, company_figure.factor,
                       account.id AS account_id
                  FROM company_figure
                 CROSS JOIN LATERAL unnest(
                       string_to_array(company_figure.account_prefixes, ',')
                       ) AS prefix(code)
                  JOIN account_account account
                    ON account.code_store ->> company_figure.root_key
                       LIKE trim(prefix.code) || '%%'
                 WHERE trim(prefix.code) != ''
            )
            """
        )

    @api.model
    def _activity_line_sql(self, plans):
        """The books of each activity, summed per account and period: the
        analytic lines of its analytic account, of its company, dated up to the
        CAE's day. Summing per account before applying the figures reads each line
        once, whatever the number of figures an account is in."""
        return SQL(
            """
            SELECT line.activity_id, line.company_id, line.general_account_id,
                   SUM(line.amount) FILTER (
                       WHERE line.date >= day.year_start) AS this_year,
                   SUM(line.amount) FILTER (
                       WHERE line.date BETWEEN day.last_year_start
                                           AND day.last_year_today) AS last_year,
                   SUM(line.amount) FILTER (
                       WHERE line.date >= day.months12_start) AS months12,
                   SUM(line.amount) AS since_start,
                   BOOL_OR(line.amount > 0 AND line.date >= day.quiet_start)
                       AS recent_credit,
                   BOOL_OR(line.amount < 0 AND line.date >= day.quiet_start)
                       AS recent_debit,
                   MAX(line.date) AS last_date
              FROM (%(lines)s) AS line
              JOIN company_day day ON day.company_id = line.company_id
             WHERE line.date <= day.today
             GROUP BY line.activity_id, line.company_id, line.general_account_id
            """,
            lines=self._activity_books_sql(plans),
        )

    @api.model
    def _activity_books_sql(self, plans):
        """The analytic lines of each activity's account. An account sits in the
        column of its root plan (``account_id`` for the project plan,
        ``x_plan<N>_id`` for the others): one indexed join per root plan the
        activities' accounts are in, usually one."""
        line_model = self.env["account.analytic.line"]
        selects = [
            SQL(
                """
                SELECT activity.id AS activity_id, line.company_id,
                       line.general_account_id, line.date, line.amount
                  FROM account_analytic_line line
                  JOIN cae_activity activity
                    ON activity.analytic_account_id = %s
                   AND activity.company_id = line.company_id
                """,
                SQL.identifier("line", column, to_flush=line_model._fields[column]),
            )
            for column in sorted({plan._column_name() for plan in plans})
            if column in line_model._fields
        ]
        return SQL(" UNION ALL ").join(selects) or SQL(
            "SELECT NULL::int AS activity_id, NULL::int AS company_id, "
            "NULL::int AS general_account_id, NULL::date AS date, "
            "NULL::numeric AS amount WHERE FALSE"
        )

    @api.model
    def _totals_sql(self):
        """Per activity, the sums the columns need: the accounts' sums of each
        figure, times its sign. The dashboard computes the same in Python
        (``cae.activity._cae_figures``): amount is credit-positive, a "credit"
        figure sums it, a "debit" figure its opposite. An income entry is one
        that raises a turnover figure."""
        return SQL(
            """
            SELECT book.activity_id,
                   SUM(book.this_year * fa.factor) FILTER (
                       WHERE fa.measure = 'turnover') AS turnover_this_year,
                   SUM(book.last_year * fa.factor) FILTER (
                       WHERE fa.measure = 'turnover') AS turnover_last_year,
                   SUM(book.months12 * fa.factor) FILTER (
                       WHERE fa.measure = 'turnover') AS turnover_12_months,
                   SUM(book.this_year * fa.factor) FILTER (
                       WHERE fa.measure = 'charges') AS charges_this_year,
                   SUM(book.last_year * fa.factor) FILTER (
                       WHERE fa.measure = 'charges') AS charges_last_year,
                   SUM(book.since_start * fa.factor) FILTER (
                       WHERE fa.measure = 'balance') AS balance_accounts,
                   SUM(book.since_start * fa.factor) FILTER (
                       WHERE fa.measure = 'turnover') AS turnover_since_start,
                   BOOL_OR(CASE WHEN fa.factor > 0 THEN book.recent_credit
                                ELSE book.recent_debit END) FILTER (
                       WHERE fa.measure = 'turnover') AS recent_income,
                   MAX(book.last_date) AS last_entry_date
              FROM activity_line book
              LEFT JOIN figure_account fa
                ON fa.account_id = book.general_account_id
               AND fa.company_id = book.company_id
             GROUP BY book.activity_id
            """
        )

    @api.model
    def _figures_sql(self):
        """One row per activity, archived ones too (the table's "active" column
        hides them by default), with or without entries."""
        return SQL(
            """
                SELECT activity.id, activity.id AS activity_id, activity.name,
                       activity.active, activity.company_id,
                       company.currency_id, activity.entrepreneur_id,
                       activity.advisor_id, activity.stage,
                       activity.contribution_rate,
                       COALESCE(totals.turnover_this_year, 0) AS turnover_this_year,
                       COALESCE(totals.turnover_last_year, 0) AS turnover_last_year,
                       COALESCE(totals.charges_this_year, 0) AS charges_this_year,
                       COALESCE(totals.charges_last_year, 0) AS charges_last_year,
                       COALESCE(totals.turnover_12_months, 0) AS turnover_12_months,
                       ROUND(COALESCE(activity.contribution_rate, 0)
                             * COALESCE(totals.turnover_12_months, 0) / 100, 2)
                           AS contribution,
                       COALESCE(totals.balance_accounts, 0) AS balance_accounts,
                       -- The balance pays the contribution on all the turnover
                       -- since the activity began, at today's rate (as
                       -- cae.activity._cae_balance does), not on 12 months only.
                       ROUND(COALESCE(activity.contribution_rate, 0)
                             * COALESCE(totals.turnover_since_start, 0) / 100, 2)
                           AS contribution_since_start,
                       NOT COALESCE(totals.recent_income, FALSE) AS no_recent_turnover,
                       totals.last_entry_date
                  FROM cae_activity activity
                  JOIN res_company company ON company.id = activity.company_id
                  LEFT JOIN totals ON totals.activity_id = activity.id
            """
        )

    @api.model
    def _select_sql(self):
        """The balance as the dashboard defines it: the balance figure's
        accounts since the activity began, minus the contribution on the turnover
        of the same period."""
        return SQL(
            """
            SELECT figures.*,
                   ROUND((turnover_this_year - turnover_last_year)
                         / NULLIF(ABS(turnover_last_year), 0) * 100, 1)
                       AS turnover_change,
                   ROUND((charges_this_year - charges_last_year)
                         / NULLIF(ABS(charges_last_year), 0) * 100, 1)
                       AS charges_change,
                   balance_accounts - contribution_since_start AS balance,
                   balance_accounts - contribution_since_start < 0
                       AS negative_balance
              FROM figures
            """
        )

    # ------------------------------------------------------------------
    # The menu's action
    # ------------------------------------------------------------------
    @api.model
    def _cae_table_action(self):
        """The table as each role first sees it: an advisor who follows
        entrepreneurs sees theirs ("My entrepreneurs", removable), an accountant
        or a manager following nobody the whole company."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "gestions_radieuses_account.cae_activity_consolidation_action"
        )
        user = self.env.user
        if user.has_group("gestions_radieuses.group_advisor") and self.env[
            "cae.activity"
        ].search_count([("advisor_id", "=", user.id)], limit=1):
            action["context"] = {"search_default_my_entrepreneurs": 1}
        return action
