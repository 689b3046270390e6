import base64
import csv
import io
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..tools.pcg_labels import pcg_label
from .expense_common import CaeExpenseCommon, CaeExpenseHttpMixin

# Written out here rather than imported: the test says what the norm says.
FEC_HEADER_LINE = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
    "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|"
    "ValidDate|Montantdevise|Idevise"
)
# The French spreadsheet's columns, named as the FEC's (what a test reads).
FRENCH_HEADER = {
    "Journal": "JournalCode",
    "Libellé du journal": "JournalLib",
    "N° d'écriture": "EcritureNum",
    "Date": "EcritureDate",
    "Compte": "CompteNum",
    "Libellé du compte": "CompteLib",
    "Compte auxiliaire": "CompAuxNum",
    "Tiers": "CompAuxLib",
    "N° de pièce": "PieceRef",
    "Date de pièce": "PieceDate",
    "Libellé": "EcritureLib",
    "Code analytique": "analytic",
    "Débit": "Debit",
    "Crédit": "Credit",
}
UTF8_BOM = b"\xef\xbb\xbf"


def parse_french_csv(content):
    """Read the file as a French spreadsheet does: UTF-8 announced by its byte order
    mark, ";" between columns, decimal comma, dd/mm/yyyy. Rows keyed by the FEC's
    column names, amounts as Decimal, dates as date."""
    assert content.startswith(UTF8_BOM), "no byte order mark: Excel reads ANSI"
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    header = next(reader)
    assert header == list(FRENCH_HEADER), header
    keys = list(FRENCH_HEADER.values())
    rows = []
    for values in reader:
        assert len(values) == len(keys), values
        row = dict(zip(keys, values, strict=True))
        for key in ("Debit", "Credit"):
            row[key] = Decimal(row[key].replace(",", "."))
        for key in ("EcritureDate", "PieceDate"):
            row[key] = datetime.strptime(row[key], "%d/%m/%Y").date()
        rows.append(row)
    return rows


def parse_fec(content):
    """Read the file as a FEC import does: UTF-8, "|" between exactly the 18 columns
    of the norm, decimal comma, yyyymmdd."""
    assert not content.startswith(UTF8_BOM)
    reader = csv.reader(io.StringIO(content.decode("utf-8")), delimiter="|")
    header = next(reader)
    assert "|".join(header) == FEC_HEADER_LINE and len(header) == 18, header
    rows = []
    for values in reader:
        assert len(values) == 18, values
        row = dict(zip(header, values, strict=True))
        for key in ("Debit", "Credit"):
            row[key] = Decimal(row[key].replace(",", "."))
        for key in ("EcritureDate", "PieceDate", "ValidDate"):
            row[key] = datetime.strptime(row[key], "%Y%m%d").date()
        rows.append(row)
    return rows


PARSERS = {"french_csv": parse_french_csv, "fec": parse_fec}


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestExpenseExport(CaeExpenseCommon):
    """Approved reports become balanced journal entries, one per report, in a French
    spreadsheet or in the FEC's layout, each read back as the tool that opens it
    would."""

    def setUp(self):
        super().setUp()
        self.company.cae_expense_journal_code = "NDF"
        self.partner_a.ref = "ENT-042"
        feb = date(2026, 2, 10)
        self._line(amount_total=120.0, date=feb)  # office supplies 6064, 20 %
        self._line(
            category_id=self.cat_receptions.id, amount_total=55.0, date=feb
        )  # 6257, 10 %
        self._line(
            category_id=self.cat_mileage.id,
            distance_km=100,
            trip_from="Lyon",
            trip_to="Vienne",
            date=feb,
        )  # 6251, 63.60, no VAT
        self.report_a = self.Report.search([("activity_id", "=", self.activity_a.id)])
        self._line(activity=self.activity_b, amount_total=30.0, date=feb)
        self.report_b = self.Report.search([("activity_id", "=", self.activity_b.id)])
        draft = self._line(activity=self.activity_b, amount_total=99.0)
        self.draft_report = draft.report_id
        reports = self.report_a | self.report_b
        reports.action_submit()
        reports.with_user(self.accountant).action_approve()

    def _exported_wizard(self, layout="french_csv", **vals):
        wizard = (
            self.env["cae.expense.export.wizard"]
            .with_user(self.accountant)
            .create(
                {
                    "date_from": date(2026, 2, 1),
                    "date_to": date(2026, 2, 1),
                    "layout": layout,
                    **vals,
                }
            )
        )
        wizard.action_export()
        return wizard

    def _export(self, layout="french_csv", **vals):
        wizard = self._exported_wizard(layout, **vals)
        return PARSERS[layout](base64.b64decode(wizard.export_file))

    def _entries(self, rows):
        """Rows by entry number; each entry balanced to the cent, and the file too."""
        entries = defaultdict(list)
        for row in rows:
            entries[row["EcritureNum"]].append(row)
        for number, entry in entries.items():
            self.assertEqual(
                sum(r["Debit"] for r in entry), sum(r["Credit"] for r in entry), number
            )
        self.assertEqual(sum(r["Debit"] for r in rows), sum(r["Credit"] for r in rows))
        return entries

    def _check_entries(self, rows):
        """What both layouts must say about the two reports of February."""
        entries = self._entries(rows)
        # One entry per report, numbered with the report's number.
        self.assertEqual(set(entries), {self.report_a.name, self.report_b.name})
        self.assertNotIn(self.draft_report.name, entries)
        for number, entry in entries.items():
            self.assertEqual({r["PieceRef"] for r in entry}, {number})
        entry = {r["CompteNum"]: r for r in entries[self.report_a.name]}
        # 120 incl. 20 % → 100 + 20; 55 incl. 10 % → 50 + 5; mileage 63.60.
        self.assertEqual(entry["6064"]["Debit"], Decimal("100.00"))
        self.assertEqual(entry["6257"]["Debit"], Decimal("50.00"))
        self.assertEqual(entry["6251"]["Debit"], Decimal("63.60"))
        self.assertEqual(entry["44566"]["Debit"], Decimal("25.00"))
        # What the CAE owes is a liability, with the entrepreneur as third party.
        payable = entry["421"]
        self.assertEqual(payable["Credit"], Decimal("238.60"))
        self.assertEqual(payable["Debit"], Decimal("0.00"))
        self.assertEqual(payable["CompAuxNum"], "ENT-042")
        self.assertEqual(payable["CompAuxLib"], self.partner_a.name)
        payable_b = next(r for r in entries[self.report_b.name] if r["Credit"])
        self.assertEqual(payable_b["CompAuxNum"], str(self.partner_b.id))
        self.assertEqual(payable_b["CompAuxLib"], self.partner_b.name)
        for account in ("6064", "6257", "6251", "44566"):
            self.assertEqual(entry[account]["CompAuxNum"], "")
        labels = {
            "6064": "Fournitures administratives",
            "6257": "Réceptions",
            "6251": "Voyages et déplacements",
            "44566": "TVA déductible sur autres biens et services",
            "421": "Personnel - Rémunérations dues",
        }
        for account, label in labels.items():
            self.assertEqual(entry[account]["CompteLib"], label)
        for row in rows:
            self.assertTrue(row["CompteLib"], row)
            self.assertEqual(row["JournalCode"], "NDF")
            self.assertEqual(row["JournalLib"], "Expense reports")
            self.assertEqual(row["EcritureDate"], date(2026, 2, 28))
            # The piece is the report, sent on the day the clock is frozen at.
            self.assertEqual(row["PieceDate"], date(2026, 3, 10))
            self.assertIn("Activity", row["EcritureLib"])
        self.assertTrue(self.report_a.exported)
        return entry

    def test_french_spreadsheet(self):
        entry = self._check_entries(self._export("french_csv"))
        analytic = self.activity_a.analytic_account_id.code
        self.assertTrue(analytic)
        for account in ("6064", "6257", "6251"):
            self.assertEqual(entry[account]["analytic"], analytic)
        self.assertEqual(entry["421"]["analytic"], "")
        self.assertEqual(entry["44566"]["analytic"], "")

    def test_french_spreadsheet_text(self):
        """The cells as a spreadsheet shows them: decimal comma, dd/mm/yyyy."""
        wizard = self._exported_wizard()
        self.assertTrue(wizard.export_filename.endswith(".csv"))
        text = base64.b64decode(wizard.export_file).decode("utf-8-sig")
        self.assertIn(";28/02/2026;421;Personnel - Rémunérations dues;", text)
        self.assertIn(";0,00;238,60\r\n", text)

    def test_fec_layout(self):
        rows = self._export("fec")
        entry = self._check_entries(rows)
        approved = self.company._cae_date(self.report_a.approved_date)
        for row in rows:
            self.assertEqual(row["ValidDate"], approved)
            for column in ("EcritureLet", "DateLet", "Montantdevise", "Idevise"):
                self.assertEqual(row[column], "")
        self.assertEqual(entry["421"]["CompAuxNum"], "ENT-042")

    def test_fec_text(self):
        wizard = self._exported_wizard("fec")
        self.assertTrue(wizard.export_filename.endswith("_fec.txt"))
        text = base64.b64decode(wizard.export_file).decode()
        lines = text.split("\r\n")
        self.assertEqual(lines[0], FEC_HEADER_LINE)
        self.assertTrue(all(line.count("|") == 17 for line in lines), lines)
        self.assertIn(
            f"|20260228|421|Personnel - Rémunérations dues|ENT-042|"
            f"{self.partner_a.name}|{self.report_a.name}|20260310|",
            text,
        )
        self.assertIn("|0,00|238,60|", text)
        # As Odoo's FEC: no line break after the last line.
        self.assertFalse(text.endswith("\n"))

    def test_no_double_export(self):
        self._export()
        with self.assertRaises(UserError):
            self._export()
        rows = self._export("fec", include_exported=True)
        # Exported again, the entries keep their numbers.
        self.assertEqual(
            {r["EcritureNum"] for r in rows}, {self.report_a.name, self.report_b.name}
        )

    def test_negative_report(self):
        """A year-end regularisation larger than the month: the expense account is
        credited and the entrepreneur owes the CAE, on the payable account's debit."""
        self.company.cae_expense_payable_account = "4671"
        # As superuser (the test's env): no context flag opens states (issue 8).
        self.report_a.write({"state": "draft"})
        self.env["cae.expense.line"].create(
            {
                "activity_id": self.activity_a.id,
                "category_id": self.cat_mileage.id,
                "date": date(2026, 2, 28),
                "amount_total": -300.0,
                "is_regularisation": True,
                "vat_rate": "0",
            }
        )
        self.report_a.action_submit()
        self.report_a.with_user(self.accountant).action_approve()
        for layout in ("french_csv", "fec"):
            rows = self._export(layout, include_exported=True)
            entries = self._entries(rows)
            entry = {r["CompteNum"]: r for r in entries[self.report_a.name]}
            # 63.60 − 300 of mileage, and the report 238.60 − 300 = −61.40.
            self.assertEqual(entry["6251"]["Credit"], Decimal("236.40"))
            self.assertEqual(entry["6251"]["Debit"], Decimal("0.00"))
            self.assertEqual(entry["4671"]["Debit"], Decimal("61.40"))
            self.assertEqual(entry["4671"]["CompAuxNum"], "ENT-042")
            self.assertEqual(
                entry["4671"]["CompteLib"], "Autres comptes débiteurs ou créditeurs"
            )
            for row in rows:
                self.assertGreaterEqual(row["Debit"], 0)
                self.assertGreaterEqual(row["Credit"], 0)

    def test_non_ascii_names(self):
        """Accented names come back as they were, in both layouts; a name that a
        spreadsheet would run as a formula is shown as text."""
        self.partner_a.name = "Chloé Dupré"
        self.partner_b.name = '=HYPERLINK("http://x";"Gaëlle")'
        self.activity_a.name = "Atelier de Gaëlle | Céramique"
        rows = self._export("french_csv")
        names = {r["CompAuxLib"] for r in rows if r["CompAuxLib"]}
        self.assertEqual(names, {"Chloé Dupré", '\'=HYPERLINK("http://x";"Gaëlle")'})
        self.assertTrue(
            any("Atelier de Gaëlle | Céramique" in r["EcritureLib"] for r in rows)
        )
        rows = self._export("fec", include_exported=True)
        names = {r["CompAuxLib"] for r in rows if r["CompAuxLib"]}
        # A FEC import reads text as text; "|" is its separator: "/" instead, as
        # Odoo's FEC does.
        self.assertEqual(names, {"Chloé Dupré", '=HYPERLINK("http://x";"Gaëlle")'})
        self.assertTrue(
            any("Atelier de Gaëlle / Céramique" in r["EcritureLib"] for r in rows)
        )

    def test_payable_account_is_a_liability(self):
        """425, the first default, is an asset of the French chart (advances paid to
        staff): a new CAE gets 421, and a CAE still on 425 is told in the export."""
        company = self.env["res.company"].create({"name": "Nouvelle CAE"})
        self.assertEqual(company.cae_expense_payable_account, "421")
        Wizard = self.env["cae.expense.export.wizard"].with_user(self.accountant)
        wizard = Wizard.create({})
        self.assertEqual(wizard.layout, "french_csv")  # the default
        self.assertFalse(wizard.payable_account_warning)
        self.company.cae_expense_payable_account = "425"
        warning = Wizard.create({}).payable_account_warning
        self.assertIn("425", warning)
        self.assertIn("Personnel - Avances et acomptes", warning)

    def test_account_labels(self):
        self.assertEqual(pcg_label("625100"), "Voyages et déplacements")
        self.assertEqual(pcg_label("6258"), "Déplacements, missions et réceptions")
        self.assertEqual(pcg_label("62891"), "Divers")
        self.assertEqual(pcg_label("6999"), "Comptes de charges")
        self.assertEqual(pcg_label("512"), "")
        self.assertEqual(pcg_label(False), "")

    def test_export_refused_to_others(self):
        for user in (self.advisor, self.entrepreneur_a, self.internal):
            with self.assertRaises(AccessError):
                self.env["cae.expense.export.wizard"].with_user(user).create(
                    {"date_from": date(2026, 2, 1), "date_to": date(2026, 2, 1)}
                )
        # Another company's accountant neither exports this company's reports…
        with self.assertRaises(AccessError):
            self.env["cae.expense.export.wizard"].with_user(self.other_company).create(
                {
                    "company_id": self.company.id,
                    "date_from": date(2026, 2, 1),
                    "date_to": date(2026, 2, 1),
                }
            )
        # …nor reads its file.
        wizard = self._exported_wizard()
        with self.assertRaises(AccessError):
            wizard.with_user(self.other_company).read(["export_file"])


@tagged("post_install", "-at_install")
class TestExpenseExportAccess(CaeExpenseCommon, CaeExpenseHttpMixin, HttpCase):
    """Only accountants export, and only they download the file: refused to
    advisors and entrepreneurs over HTTP and over JSON-RPC."""

    def setUp(self):
        super().setUp()
        self.month = self.today.replace(day=1)
        self._line(amount_total=42.0, date=self.today)
        self.report = self.Report.search([("activity_id", "=", self.activity_a.id)])
        self.report.action_submit()
        self.report.with_user(self.accountant).action_approve()

    def _wizard(self):
        return (
            self.env["cae.expense.export.wizard"]
            .with_user(self.accountant)
            .create({"date_from": self.month, "date_to": self.month})
        )

    def test_download_refused_to_others(self):
        wizard = self._wizard()
        url = wizard.action_export()["url"]
        for user in (
            self.advisor,
            self.entrepreneur_a,
            self.internal,
            self.other_company,  # an accountant, of another company
        ):
            self._login(user)
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), user.login)
            self.assertNotIn(self.report.name.encode(), response.content)
        self._login(self.accountant)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.report.name, parse_french_csv(response.content)[0].values())

    def test_rpc_refused_to_others(self):
        wizard = self._wizard()
        values = {"date_from": str(self.month), "date_to": str(self.month)}
        for user in (self.advisor, self.entrepreneur_a):
            self._login(user)
            self.assertRefused("cae.expense.export.wizard", "create", [values])
            self.assertRefused(
                "cae.expense.export.wizard", "action_export", [wizard.ids]
            )
            self.assertRefused(
                "cae.expense.export.wizard",
                "read",
                [wizard.ids, ["export_file"]],
            )
        self.report.invalidate_recordset(["exported"])
        self.assertFalse(self.report.exported)
        self._login(self.accountant)
        created = self.rpc("cae.expense.export.wizard", "create", [values])
        self.rpc("cae.expense.export.wizard", "action_export", [[created]])
        self.report.invalidate_recordset(["exported"])
        self.assertTrue(self.report.exported)
