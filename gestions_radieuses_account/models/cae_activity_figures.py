"""'Mon activité en chiffres': each activity's figures, read from the books.

The figures are data (``cae.figure``); this file computes them for a batch of
activities with a fixed number of queries, whatever the number of invoices and
entries: the books are read grouped by month in SQL, never line by line."""

from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# Months of the rolling figures and of the chart, the current one included.
ROLLING_MONTHS = 12
# Expense reports approved and not yet (fully) paid back to the entrepreneur.
REIMBURSABLE_STATES = ("approved", "partial")
# Staff who see an activity's figures: the accountants and managers of its
# company; an advisor, those of the activities they follow.
FIGURE_STAFF_GROUPS = (
    "gestions_radieuses.group_accountant",
    "gestions_radieuses.group_manager",
)


class MonthlySums:
    """Amounts by month, with what each month holds up to a day of the month,
    so that "from 1 January to the same day last year" is exact without reading
    the entries one by one."""

    def __init__(self):
        self.months = defaultdict(float)
        self.until_day = defaultdict(float)
        self.last_date = None

    def add(self, month, amount, amount_until_day, last_date):
        self.months[month] += amount
        self.until_day[month] += amount_until_day
        if last_date and (not self.last_date or last_date > self.last_date):
            self.last_date = last_date

    def add_sums(self, other, factor=1.0):
        for month, amount in other.months.items():
            self.add(month, amount * factor, other.until_day[month] * factor, None)
        if other.last_date and (not self.last_date or other.last_date > self.last_date):
            self.last_date = other.last_date

    def between(self, first_month, last_month, last_day=None):
        """Sum of the months from ``first_month`` to ``last_month``; of the last
        one, only up to the day of ``last_day`` when given."""
        total = 0.0
        for month, amount in self.months.items():
            if first_month <= month < last_month:
                total += amount
            elif month == last_month:
                total += self.until_day[month] if last_day else amount
        return total


def _window(today):
    """The periods a figure is read over, for the CAE's ``today``."""
    this_month = today.replace(day=1)
    first_month = this_month - relativedelta(months=ROLLING_MONTHS - 1)
    same_day_last_year = today - relativedelta(years=1)
    return {
        "today": today,
        "this_month": this_month,
        "first_month": first_month,
        "months": [
            first_month + relativedelta(months=i) for i in range(ROLLING_MONTHS)
        ],
        "year_start": date(today.year, 1, 1),
        "last_year_start": date(today.year - 1, 1, 1),
        "same_day_last_year": same_day_last_year,
        # From here the monthly reads cover the rolling months and both years.
        "read_from": min(first_month, date(today.year - 1, 1, 1)),
    }


def _change_pct(current, previous):
    if not previous:
        return None
    return round((current - previous) / abs(previous) * 100, 1)


class CaeActivity(models.Model):
    _inherit = "cae.activity"

    # ------------------------------------------------------------------
    # The entrepreneur's method (portal pages and JSON-RPC)
    # ------------------------------------------------------------------
    def portal_figures(self):
        """The figures of these activities, for who may see them: the members of
        each activity (portal), its advisor, the accountants and managers of its
        company. Everybody else is refused; the books are read as superuser only
        after this check.

        Returns ``{activity id: figures}`` (see ``_cae_figures``), plain values
        that JSON-RPC carries as they are."""
        self._cae_check_figures_access()
        return self.sudo()._cae_figures()

    def _cae_check_figures_access(self):
        user = self.env.user
        refused = AccessError(
            self.env._("You cannot see the figures of this activity.")
        )
        if not self or self.env.su:
            return
        # Ids as a JSON-RPC caller sends them: 0, true or a string is no activity
        # (id 0 passed the membership test as "no record", true reached SQL).
        if not all(type(id_) is int and id_ > 0 for id_ in self._ids):
            raise refused
        if user.share:
            if not self._cae_is_member(user):
                raise refused
            return
        # Staff: their companies' activities (record rules), then their role.
        try:
            self.check_access("read")
        except AccessError as error:
            raise refused from error
        if any(user.has_group(group) for group in FIGURE_STAFF_GROUPS):
            return
        if user.has_group("gestions_radieuses.group_advisor") and all(
            activity.advisor_id == user for activity in self.sudo()
        ):
            return
        raise refused

    @api.model
    def _portal_home_figures(self):
        """The figures shown on the portal home (show_on_home) of the caller's
        activities, or None when they run none."""
        user = self.env.user
        if not user.share:
            return None
        # Archived activities too (who has left keeps their last figures).
        activities = (
            self.sudo()
            .with_context(active_test=False)
            .search(self._cae_member_domain(user.partner_id))
            .with_env(self.env)
        )
        if not activities:
            return None
        figures = activities.portal_figures()
        return [
            {
                **figures[activity.id],
                # Nothing in the books yet (a candidate): no row of zeros.
                "figures": [
                    figure
                    for figure in figures[activity.id]["figures"]
                    if figure["show_on_home"]
                ]
                if any(f.get("last_date") for f in figures[activity.id]["figures"])
                else [],
            }
            for activity in activities
        ]

    # ------------------------------------------------------------------
    # The computation (as superuser, after the caller's check)
    # ------------------------------------------------------------------
    def _cae_figures(self, today=None):
        """Every figure of each activity, read from its books.

        ``{activity id: {"activity_id", "name", "today", "currency_id",
        "first_month", "figures": [figure…]}}``; a figure is ``{"code", "name",
        "explanation", "kind", "family", "show_on_home", "value", "last_date"}``
        and, read by month (accounts and collected): ``"months"`` (the
        rolling 12 months, ``[{"month", "value"}]``), ``"year_to_date"``,
        ``"last_year_to_date"`` (1 January to the same day last year) and
        ``"change_pct"`` (None without last year); unpaid adds ``"invoices"``.

        ``today`` is the CAE's day of each activity's company unless given.
        Only the entries of the activity's own company count."""
        result = {}
        groups = defaultdict(self.browse)
        for activity in self.filtered("analytic_account_id"):
            account = activity.analytic_account_id
            day = today or activity.company_id._cae_today()
            groups[(account.root_plan_id._column_name(), day)] |= activity
        for activity in self.filtered(lambda a: not a.analytic_account_id):
            groups[(None, today or activity.company_id._cae_today())] |= activity
        definitions = self._cae_figure_definitions()
        for (column, day), activities in groups.items():
            window = _window(day)
            books = activities._cae_read_books(column, window)
            for activity in activities:
                result[activity.id] = activity._cae_figures_of(
                    definitions[activity.company_id.id], books, window
                )
        return result

    def _cae_figure_definitions(self):
        """{company id: its figures}: the shared ones, replaced code by code by
        the company's own."""
        companies = self.company_id
        figures = (
            self.env["cae.figure"]
            .sudo()
            .search([("company_id", "in", [False, *companies.ids])])
        )
        definitions = {}
        for company in companies:
            mine = figures.filtered(
                lambda f, company=company: not f.company_id or f.company_id == company
            )
            own_codes = set(mine.filtered("company_id").mapped("code"))
            definitions[company.id] = mine.filtered(
                lambda f, own_codes=own_codes: f.company_id or f.code not in own_codes
            )
        return definitions

    def _cae_read_books(self, column, window):
        """What the figures need from the books, for activities that share an
        analytic plan and a day: a constant number of grouped reads."""
        books = {
            "accounts": defaultdict(MonthlySums),  # (activity, account) → by month
            "all_time": defaultdict(lambda: [0.0, None]),  # (activity, account)
            "invoices": defaultdict(list),  # activity → its invoices
            "collected": defaultdict(MonthlySums),  # activity → by month
            "reimbursements": {},
            "codes": {},
        }
        if column:
            self._cae_read_analytic(column, window, books)
            self._cae_read_invoices(column, window, books)
        self._cae_read_reimbursements(books)
        return books

    def _cae_read_analytic(self, column, window, books):
        """The activity's entries by general account, per month over the read
        window and in total since it began."""
        self.env["account.analytic.line"].flush_model()
        by_account = {a.analytic_account_id.id: a for a in self}
        params = {
            "accounts": list(by_account),
            "read_from": window["read_from"],
            "today": window["today"],
            "day": window["same_day_last_year"].day,
        }
        column = SQL.identifier(column)
        self.env.cr.execute(
            SQL(
                """
                SELECT line.%(column)s, line.company_id, line.general_account_id,
                       date_trunc('month', line.date)::date,
                       SUM(line.amount),
                       COALESCE(SUM(line.amount)
                           FILTER (WHERE EXTRACT(DAY FROM line.date) <= %(day)s), 0),
                       MAX(line.date)
                  FROM account_analytic_line line
                 WHERE line.%(column)s = ANY(%(accounts)s)
                   AND line.date BETWEEN %(read_from)s AND %(today)s
                   AND line.general_account_id IS NOT NULL
              GROUP BY 1, 2, 3, 4
                """,
                column=column,
                **params,
            )
        )
        account_ids = set()
        for (
            analytic,
            company,
            account,
            month,
            amount,
            until_day,
            last,
        ) in self.env.cr.fetchall():
            activity = by_account[analytic]
            if company != activity.company_id.id:
                continue
            books["accounts"][activity.id, account].add(month, amount, until_day, last)
            account_ids.add(account)
        self.env.cr.execute(
            SQL(
                """
                SELECT line.%(column)s, line.company_id, line.general_account_id,
                       SUM(line.amount), MAX(line.date)
                  FROM account_analytic_line line
                 WHERE line.%(column)s = ANY(%(accounts)s)
                   AND line.date <= %(today)s
                   AND line.general_account_id IS NOT NULL
              GROUP BY 1, 2, 3
                """,
                column=column,
                **params,
            )
        )
        for analytic, company, account, amount, last in self.env.cr.fetchall():
            activity = by_account[analytic]
            if company != activity.company_id.id:
                continue
            books["all_time"][activity.id, account] = [amount, last]
            account_ids.add(account)
        # Account codes depend on the company (18.0): read them in each one's.
        accounts = self.env["account.account"].browse(account_ids)
        for company in self.company_id:
            for account in accounts.with_company(company):
                books["codes"].setdefault(company.id, {})[account.id] = account.code

    def _cae_read_invoices(self, column, window, books):
        """The activity's customer invoices and credit notes (posted, with its
        analytic account on their lines): its share of each one excluding VAT
        (its analytic amount), what is left to pay, and what was collected per
        month through their reconciliation."""
        for model in ("account.analytic.line", "account.move.line", "account.move"):
            self.env[model].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        by_account = {a.analytic_account_id.id: a for a in self}
        column = SQL.identifier(column)
        self.env.cr.execute(
            SQL(
                """
                SELECT line.%(column)s, move.id, move.company_id, move.name,
                       move.invoice_partner_display_name, move.date,
                       move.invoice_date_due, move.amount_untaxed_signed,
                       move.amount_total_signed, move.amount_residual_signed,
                       SUM(line.amount)
                  FROM account_analytic_line line
                  JOIN account_move_line move_line ON move_line.id = line.move_line_id
                  JOIN account_move move ON move.id = move_line.move_id
                 WHERE line.%(column)s = ANY(%(accounts)s)
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.state = 'posted'
                   AND move.date <= %(today)s
              GROUP BY line.%(column)s, move.id
                """,
                column=column,
                accounts=list(by_account),
                today=window["today"],
            )
        )
        # move id → [(activity, share excl. VAT of each unit paid incl. VAT)]
        shares = defaultdict(list)
        for (
            analytic,
            move_id,
            company,
            name,
            partner,
            move_date,
            date_due,
            untaxed,
            total,
            residual,
            activity_untaxed,
        ) in self.env.cr.fetchall():
            activity = by_account[analytic]
            if company != activity.company_id.id:
                continue
            # The activity's part of the invoice, usually all of it.
            share = activity_untaxed / untaxed if untaxed else 0.0
            shares[move_id].append((activity, activity_untaxed / total if total else 0))
            books["invoices"][activity.id].append(
                {
                    "id": move_id,
                    "name": name,
                    "partner": partner or "",
                    "date": move_date,
                    "date_due": date_due,
                    "amount_due": residual * share,
                }
            )
        if not shares:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT move_line.move_id,
                       date_trunc('month', partial.max_date)::date,
                       SUM(CASE WHEN partial.debit_move_id = move_line.id
                                THEN partial.amount ELSE -partial.amount END),
                       COALESCE(SUM(CASE WHEN partial.debit_move_id = move_line.id
                                         THEN partial.amount ELSE -partial.amount END)
                           FILTER (WHERE EXTRACT(DAY FROM partial.max_date) <= %(day)s),
                           0),
                       MAX(partial.max_date)
                  FROM account_move_line move_line
                  JOIN account_partial_reconcile partial
                    ON move_line.id IN (partial.debit_move_id, partial.credit_move_id)
                 WHERE move_line.move_id = ANY(%(moves)s)
                   AND move_line.display_type = 'payment_term'
                   AND partial.max_date BETWEEN %(read_from)s AND %(today)s
              GROUP BY 1, 2
                """,
                moves=list(shares),
                day=window["same_day_last_year"].day,
                read_from=window["read_from"],
                today=window["today"],
            )
        )
        for move_id, month, amount, until_day, last in self.env.cr.fetchall():
            for activity, ratio in shares[move_id]:
                books["collected"][activity.id].add(
                    month, amount * ratio, until_day * ratio, last
                )

    def _cae_read_reimbursements(self, books):
        Report = self.env["cae.expense.report"].sudo()
        for activity, residual, approved, paid in Report._read_group(
            [
                ("activity_id", "in", self.ids),
                ("state", "in", REIMBURSABLE_STATES),
            ],
            ["activity_id"],
            ["amount_residual:sum", "approved_date:max", "payment_date:max"],
        ):
            last = approved and activity.company_id._cae_date(approved)
            if paid and (not last or paid > last):
                last = paid
            books["reimbursements"][activity.id] = (residual, last)

    # ------------------------------------------------------------------
    # From the books to the figures of one activity
    # ------------------------------------------------------------------
    def _cae_figures_of(self, figures, books, window):
        self.ensure_one()
        currency = self.company_id.currency_id
        codes = books["codes"].get(self.company_id.id, {})
        turnover = self._cae_turnover_figure(figures)
        rate = self.contribution_rate / 100.0
        values = []
        turnover_value = turnover_last = None
        for figure in figures:
            value = {
                "code": figure.code,
                "name": figure.name,
                "explanation": figure.explanation,
                "kind": figure.kind,
                "family": figure.family,
                "show_on_home": figure.show_on_home,
                "value": 0.0,
                "last_date": None,
            }
            if figure.kind in ("accounts", "collected"):
                if figure.kind == "accounts":
                    sums = self._cae_account_sums(figure, books, codes)
                else:
                    sums = books["collected"][self.id]
                value.update(self._cae_monthly_values(sums, window, currency))
                if figure == turnover:
                    turnover_value, turnover_last = value["value"], value["last_date"]
            elif figure.kind == "unpaid":
                invoices = [
                    dict(
                        invoice,
                        amount_due=currency.round(invoice["amount_due"]),
                        days_late=max((window["today"] - invoice["date_due"]).days, 0)
                        if invoice["date_due"]
                        else 0,
                    )
                    for invoice in books["invoices"][self.id]
                    if not currency.is_zero(invoice["amount_due"])
                ]
                invoices.sort(key=lambda i: (i["date_due"] or i["date"], i["id"]))
                value["invoices"] = invoices
                value["value"] = currency.round(sum(i["amount_due"] for i in invoices))
                value["last_date"] = max(
                    (i["date"] for i in books["invoices"][self.id]), default=None
                )
                collected = books["collected"][self.id].last_date
                if collected and (
                    not value["last_date"] or collected > value["last_date"]
                ):
                    value["last_date"] = collected
            elif figure.kind == "reimbursements":
                residual, last = books["reimbursements"].get(self.id, (0.0, None))
                value["value"] = currency.round(residual)
                value["last_date"] = last
            values.append((figure, value))
        # What depends on the turnover: the contribution, then the balance.
        for figure, value in values:
            if figure.kind == "contribution":
                value["value"] = currency.round(rate * (turnover_value or 0.0))
                value["last_date"] = turnover_last
                value["rate"] = self.contribution_rate
            elif figure.kind == "balance":
                value.update(self._cae_balance(figure, turnover, books, codes))
        return {
            "activity_id": self.id,
            "name": self.name,
            "today": window["today"],
            "first_month": window["first_month"],
            "currency_id": currency.id,
            "figures": [value for _figure, value in values],
        }

    @api.model
    def _cae_turnover_figure(self, figures):
        """The turnover the contribution is taken on: the figure "turnover", or
        else the first figure of accounts of the turnover family."""
        accounts = figures.filtered(
            lambda f: f.kind == "accounts" and f.family == "turnover"
        )
        return accounts.filtered(lambda f: f.code == "turnover")[:1] or accounts[:1]

    @staticmethod
    def _cae_matches(figure, code):
        return bool(code) and any(code.startswith(p) for p in figure._prefixes())

    def _cae_account_sums(self, figure, books, codes):
        sign = 1.0 if figure.sign == "credit" else -1.0
        sums = MonthlySums()
        for (activity_id, account_id), account_sums in books["accounts"].items():
            if activity_id == self.id and self._cae_matches(
                figure, codes.get(account_id)
            ):
                sums.add_sums(account_sums, sign)
        return sums

    def _cae_all_time(self, figure, books, codes):
        sign = 1.0 if figure.sign == "credit" else -1.0
        total, last = 0.0, None
        for (activity_id, account_id), (amount, day) in books["all_time"].items():
            if activity_id == self.id and self._cae_matches(
                figure, codes.get(account_id)
            ):
                total += sign * amount
                last = max(last, day) if last else day
        return total, last

    @staticmethod
    def _cae_monthly_values(sums, window, currency):
        months = [
            {"month": month, "value": currency.round(sums.months.get(month, 0.0))}
            for month in window["months"]
        ]
        year_to_date = sums.between(window["year_start"], window["this_month"])
        last_year = window["same_day_last_year"]
        last_year_to_date = sums.between(
            window["last_year_start"], last_year.replace(day=1), last_day=last_year
        )
        rolling = sums.between(window["first_month"], window["this_month"])
        return {
            "value": currency.round(rolling),
            "last_date": sums.last_date
            if sums.last_date and sums.last_date >= window["first_month"]
            else None,
            "months": months,
            "year_to_date": currency.round(year_to_date),
            "last_year_to_date": currency.round(last_year_to_date),
            "change_pct": _change_pct(
                currency.round(year_to_date), currency.round(last_year_to_date)
            ),
        }

    def _cae_balance(self, figure, turnover, books, codes):
        """The balance's accounts since the activity began, minus the CAE's
        contribution on all the turnover of the same period (at today's rate)."""
        currency = self.company_id.currency_id
        rate = self.contribution_rate / 100.0
        total, last = self._cae_all_time(figure, books, codes)
        turnover_total = (
            self._cae_all_time(turnover, books, codes)[0] if turnover else 0.0
        )
        contribution = currency.round(rate * turnover_total)
        return {
            "value": currency.round(total - contribution),
            "last_date": last,
            "contribution": contribution,
        }

    # ------------------------------------------------------------------
    # Staff
    # ------------------------------------------------------------------
    def action_open_figures(self):
        """The activity's figures page, as its entrepreneur sees it."""
        self.ensure_one()
        if self.env.user.share:
            raise AccessError(self.env._("Only the support team opens this."))
        self._cae_check_figures_access()
        return {
            "type": "ir.actions.act_url",
            "url": f"/my/figures/{self.id}",
            "target": "self",
        }
