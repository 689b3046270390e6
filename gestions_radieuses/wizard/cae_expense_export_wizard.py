import base64
import csv
import io
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

EXPORT_COLUMNS = [
    "date",
    "journal",
    "account",
    "analytic",
    "label",
    "reference",
    "debit",
    "credit",
]


# Reports that go to accounting.
EXPORTABLE_STATES = ("approved", "partial", "paid")


def _previous_month_start(env):
    return env.company._cae_today().replace(day=1) - relativedelta(months=1)


def _pending_months(env):
    """(first, last) month of the company's approved reports not yet exported, or
    the previous month twice when there are none."""
    [(first, last)] = env["cae.expense.report"]._read_group(
        [
            ("company_id", "=", env.company.id),
            ("state", "in", EXPORTABLE_STATES),
            ("exported", "=", False),
        ],
        aggregates=["date:min", "date:max"],
    )
    if not first:
        return _previous_month_start(env), _previous_month_start(env)
    return first, last


class CaeExpenseExportWizard(models.TransientModel):
    _name = "cae.expense.export.wizard"
    _description = "Export expense reports to accounting"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From month",
        required=True,
        default=lambda self: _pending_months(self.env)[0],
    )
    date_to = fields.Date(
        string="To month",
        required=True,
        default=lambda self: _pending_months(self.env)[1],
    )
    include_exported = fields.Boolean(
        string="Export again reports already exported",
        help="Only to redo an export: the entries would otherwise be counted twice.",
    )
    report_count = fields.Integer(
        string="Reports to export", compute="_compute_report_count"
    )
    export_file = fields.Binary(readonly=True, attachment=False)
    export_filename = fields.Char(readonly=True)

    @api.depends("company_id", "date_from", "date_to", "include_exported")
    def _compute_report_count(self):
        for wizard in self:
            wizard.report_count = (
                self.env["cae.expense.report"].search_count(wizard._report_domain())
                if wizard.date_from and wizard.date_to
                else 0
            )

    def _report_domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "in", EXPORTABLE_STATES),
            ("date", ">=", self.date_from.replace(day=1)),
            ("date", "<=", self.date_to),
        ]
        if not self.include_exported:
            domain.append(("exported", "=", False))
        return domain

    def action_export(self):
        self.ensure_one()
        reports = self.env["cae.expense.report"].search(
            self._report_domain(), order="date, name"
        )
        if not reports:
            raise UserError(
                self.env._("No approved expense report left to export for this period.")
            )
        reports._check_accountant()
        content = self._build_csv(reports)
        reports._mark_exported()
        self.write(
            {
                "export_file": base64.b64encode(content.encode("utf-8")),
                "export_filename": (
                    f"expenses_{fields.Date.to_string(self.date_from)[:7]}_"
                    f"{fields.Date.to_string(self.date_to)[:7]}.csv"
                ),
            }
        )
        # Core's shape (account.move.send.wizard): download, then close the dialog.
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/export_file/"
            f"{self.export_filename}?download=true",
            "close": True,
        }

    @api.model
    def _line_sums(self, reports):
        """Per report id, the untaxed amounts by expense account and the VAT by VAT
        account, summed in one grouped query for all the reports: reading the lines
        one by one made a network month (200 000 lines at 10 000 activities) take a
        minute."""
        expense = defaultdict(lambda: defaultdict(float))
        vat = defaultdict(lambda: defaultdict(float))
        groups = (
            self.env["cae.expense.line"]
            .sudo()
            ._read_group(
                [("report_id", "in", reports.ids)],
                ["report_id", "category_id"],
                ["amount_untaxed:sum", "amount_vat:sum"],
            )
        )
        for report, category, untaxed, amount_vat in groups:
            expense[report.id][category.account_code] += untaxed
            if amount_vat:
                vat[report.id][category.vat_account_code] += amount_vat
        return expense, vat

    def _entry_rows(self, report, expense, vat):
        """Balanced journal entry of one report, as a list of row dicts, from its
        sums by account (``_line_sums``)."""
        company = report.company_id
        currency = report.currency_id
        date = report.date + relativedelta(months=1, days=-1)
        activity = report.activity_id.sudo()
        analytic = activity.analytic_account_id.code or ""
        label = self.env._(
            "Expenses %(activity)s %(month)s",
            activity=activity.name,
            month=report.month_label,
        )
        rows = []

        def add(account, amount, analytic_code, debit_side):
            amount = currency.round(amount)
            if currency.is_zero(amount):
                return
            if amount < 0:
                amount, debit_side = -amount, not debit_side
            rows.append(
                {
                    "date": fields.Date.to_string(date),
                    "journal": company.cae_expense_journal_code or "",
                    "account": account,
                    "analytic": analytic_code,
                    "label": label,
                    "reference": report.name,
                    "debit": amount if debit_side else 0.0,
                    "credit": 0.0 if debit_side else amount,
                }
            )

        for account in sorted(expense):
            add(account, expense[account], analytic, True)
        for account in sorted(vat):
            add(account, vat[account], "", True)
        add(
            company.cae_expense_payable_account or "425", report.amount_total, "", False
        )
        return rows

    @api.model
    def _build_csv(self, reports):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, delimiter=";")
        writer.writeheader()
        expense, vat = self._line_sums(reports)
        for report in reports:
            for row in self._entry_rows(report, expense[report.id], vat[report.id]):
                writer.writerow(
                    {
                        **row,
                        "debit": f"{row['debit']:.2f}",
                        "credit": f"{row['credit']:.2f}",
                    }
                )
        return buffer.getvalue()
