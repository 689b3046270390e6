import base64
import csv
import io
import re
from collections import defaultdict
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.res_company import DEFAULT_PAYABLE_ACCOUNT
from ..tools.pcg_labels import pcg_label

# The 18 columns of the FEC (article A47 A-1 of the Livre des procédures fiscales),
# in the norm's order: what tools that import a FEC expect.
FEC_COLUMNS = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]
# The French spreadsheet: the FEC's columns in French words, in the same order,
# with the activity's analytic code (which the FEC has no column for). The header
# is a file format, not a sentence: it stays the same whoever exports, so that an
# import profile set up once in the accounting tool keeps working.
FRENCH_COLUMNS = [
    ("Journal", "JournalCode"),
    ("Libellé du journal", "JournalLib"),
    ("N° d'écriture", "EcritureNum"),
    ("Date", "EcritureDate"),
    ("Compte", "CompteNum"),
    ("Libellé du compte", "CompteLib"),
    ("Compte auxiliaire", "CompAuxNum"),
    ("Tiers", "CompAuxLib"),
    ("N° de pièce", "PieceRef"),
    ("Date de pièce", "PieceDate"),
    ("Libellé", "EcritureLib"),
    ("Code analytique", "analytic"),
    ("Débit", "Debit"),
    ("Crédit", "Credit"),
]
DATE_COLUMNS = {"EcritureDate", "PieceDate", "DateLet", "ValidDate"}
AMOUNT_COLUMNS = {"Debit", "Credit"}
# What a spreadsheet would run as a formula at the start of a cell (a name typed as
# "=HYPERLINK(…)" on the portal): such a text gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportLayout(NamedTuple):
    columns: list  # (header, row key)
    delimiter: str
    date_format: str
    encoding: str
    extension: str
    spreadsheet: bool


EXPORT_LAYOUTS = {
    # A French Excel reads ";" as the column separator (the comma is the decimal
    # mark) and takes a file without a byte order mark for Windows-1252: the BOM
    # is what makes it read "Chloé" rather than "ChloÃ©".
    "french_csv": ExportLayout(
        columns=FRENCH_COLUMNS,
        delimiter=";",
        date_format="%d/%m/%Y",
        encoding="utf-8-sig",
        extension="csv",
        spreadsheet=True,
    ),
    # As Odoo's own FEC (l10n_fr_account): "|", yyyymmdd, decimal comma, UTF-8.
    "fec": ExportLayout(
        columns=[(column, column) for column in FEC_COLUMNS],
        delimiter="|",
        date_format="%Y%m%d",
        encoding="utf-8",
        extension="txt",
        spreadsheet=False,
    ),
}
LAYOUTS = [
    ("french_csv", "French spreadsheet (CSV)"),
    ("fec", "FEC layout"),
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
    layout = fields.Selection(
        LAYOUTS,
        string="File layout",
        required=True,
        default="french_csv",
        help="French spreadsheet: columns separated by semicolons, amounts with a "
        "decimal comma and dates as dd/mm/yyyy, opens as is in a French Excel or "
        "LibreOffice. FEC layout: the 18 columns of the French FEC, separated by "
        "vertical bars, for accounting software that imports a FEC.",
    )
    include_exported = fields.Boolean(
        string="Export again reports already exported",
        help="Only to redo an export: the entries would otherwise be counted twice.",
    )
    report_count = fields.Integer(
        string="Reports to export", compute="_compute_report_count"
    )
    payable_account_warning = fields.Char(compute="_compute_payable_account_warning")
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

    @api.depends("company_id")
    def _compute_payable_account_warning(self):
        # 425 was this module's first default: an asset of the French chart.
        for wizard in self:
            code = wizard.company_id.sudo().cae_expense_payable_account or ""
            wizard.payable_account_warning = (
                self.env._(
                    "The amounts owed to entrepreneurs are credited to account "
                    "%(code)s, “%(label)s”: an asset account (advances paid to "
                    "staff) in the French chart. What the CAE owes them is a "
                    "liability, 421 “Personnel - Rémunérations dues” or an account "
                    "of your own: change it in the CAE settings.",
                    code=code,
                    label=pcg_label(code),
                )
                if code.startswith("425")
                else False
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
        layout = EXPORT_LAYOUTS[self.layout]
        content = self._build_file(reports, layout)
        reports._mark_exported()
        suffix = "_fec" if self.layout == "fec" else ""
        self.write(
            {
                "export_file": base64.b64encode(content),
                "export_filename": (
                    f"expenses_{fields.Date.to_string(self.date_from)[:7]}_"
                    f"{fields.Date.to_string(self.date_to)[:7]}{suffix}."
                    f"{layout.extension}"
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
        """Balanced journal entry of one report, as a list of row dicts keyed by the
        FEC's column names (plus ``analytic``), with dates and amounts as values,
        from its sums by account (``_line_sums``).

        The entry's number is the report's: unique, the same at every export of
        the report, and what the accountant searches for in Odoo."""
        company = report.company_id
        currency = report.currency_id
        date = report.date + relativedelta(months=1, days=-1)
        activity = report.activity_id.sudo()
        entrepreneur = report.sudo().entrepreneur_id
        analytic = activity.analytic_account_id.code or ""
        label = self.env._(
            "Expenses %(activity)s %(month)s",
            activity=activity.name,
            month=report.month_label,
        )
        common = {
            "JournalCode": company.cae_expense_journal_code or "",
            "JournalLib": self.env._("Expense reports"),
            "EcritureNum": report.name,
            "EcritureDate": date,
            "PieceRef": report.name,
            # The piece is the report the entrepreneur sent; validated when approved.
            "PieceDate": company._cae_date(report.submitted_date)
            if report.submitted_date
            else date,
            "EcritureLib": label,
            "EcritureLet": "",
            "DateLet": None,
            "ValidDate": company._cae_date(report.approved_date)
            if report.approved_date
            else date,
            "Montantdevise": "",
            "Idevise": "",
        }
        rows = []

        def add(account, amount, debit_side, analytic_code="", third_party=None):
            amount = currency.round(amount)
            if currency.is_zero(amount):
                return
            if amount < 0:
                amount, debit_side = -amount, not debit_side
            rows.append(
                {
                    **common,
                    "CompteNum": account,
                    "CompteLib": pcg_label(account),
                    # As Odoo's FEC: the partner's reference, else its id.
                    "CompAuxNum": (third_party.ref or str(third_party.id))
                    if third_party
                    else "",
                    "CompAuxLib": third_party.name if third_party else "",
                    "analytic": analytic_code,
                    "Debit": amount if debit_side else 0.0,
                    "Credit": 0.0 if debit_side else amount,
                }
            )

        for account in sorted(expense):
            add(account, expense[account], True, analytic_code=analytic)
        for account in sorted(vat):
            add(account, vat[account], True)
        add(
            company.cae_expense_payable_account or DEFAULT_PAYABLE_ACCOUNT,
            report.amount_total,
            False,
            third_party=entrepreneur,
        )
        return rows

    @api.model
    def _build_file(self, reports, layout):
        """The file's bytes: the entries of ``reports`` in ``layout``. Texts are in
        the CAE's language (its company's), whoever exports."""
        lang = reports.company_id[:1].partner_id.lang or self.env.lang
        wizard = self.with_context(lang=lang)
        reports = reports.with_context(lang=lang)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator="\r\n")
        writer.writerow([header for header, _key in layout.columns])
        expense, vat = wizard._line_sums(reports)
        for report in reports:
            for row in wizard._entry_rows(report, expense[report.id], vat[report.id]):
                writer.writerow(
                    [_format_cell(layout, key, row[key]) for _, key in layout.columns]
                )
        content = buffer.getvalue()
        if not layout.spreadsheet:
            # As Odoo's FEC: no line break after the last line.
            content = content.removesuffix("\r\n")
        return content.encode(layout.encoding)


def _format_cell(layout, key, value):
    if key in AMOUNT_COLUMNS:
        return f"{value:.2f}".replace(".", ",")
    if key in DATE_COLUMNS:
        return value.strftime(layout.date_format) if value else ""
    # One line per cell, and no "|" in a FEC (Odoo's FEC does the same).
    text = re.sub(r"[\t\r\n]+", " ", value or "")
    if layout.spreadsheet:
        return f"'{text}" if text.startswith(FORMULA_START) else text
    return text.replace("|", "/")
