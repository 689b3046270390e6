import base64
from datetime import date

from odoo.tests import tagged

from .posting_common import PostingCommon


@tagged("post_install", "-at_install")
class TestPostingFec(PostingCommon):
    def _fec_rows(self, date_from, date_to):
        wizard = self.env["l10n_fr.fec.export.wizard"].create(
            {"date_from": date_from, "date_to": date_to, "test_file": True}
        )
        content = wizard.generate_fec()["file_content"].decode()
        header, *rows = content.split("\r\n")
        columns = header.split("|")
        return [dict(zip(columns, row.split("|"), strict=True)) for row in rows]

    @staticmethod
    def _amount(text):
        return float(text.strip().replace(",", "."))

    def test_fec_contains_the_entries(self):
        """The French FEC lists each line of the report's entry in the NDF journal
        on its date, with the account, the entrepreneur as third party on 421000,
        the report as piece reference, and the amounts of the entry."""
        report = self._submitted(
            lines=[
                {"amount_total": 12.0, "amount_vat": 2.0},
                {
                    "category_id": self.cat_receptions.id,
                    "amount_total": 33.0,
                    "vat_rate": "10",
                    "amount_vat": 3.01,
                },
            ]
        )
        move = self._approve(report)
        self._register_payment(report)
        rows = [
            row
            for row in self._fec_rows(date(2026, 1, 1), date(2026, 12, 31))
            if row["JournalCode"] == "NDF"
        ]
        self.assertEqual(len(rows), len(move.line_ids))
        self.assertEqual({row["EcritureNum"] for row in rows}, {move.name})
        self.assertEqual({row["EcritureDate"] for row in rows}, {"20260331"})
        self.assertEqual({row["PieceRef"] for row in rows}, {move.ref})
        by_account = {}
        for row in rows:
            by_account.setdefault(row["CompteNum"], []).append(row)
        self.assertEqual(sorted(by_account), ["421000", "445660", "606400", "625700"])
        (owed,) = by_account["421000"]
        self.assertEqual(owed["CompAuxNum"], str(self.partner_a.id))
        self.assertEqual(owed["CompAuxLib"], self.partner_a.name)
        self.assertEqual(self._amount(owed["Credit"]), 45.0)
        # Matched with the payment: lettered.
        self.assertTrue(owed["EcritureLet"])
        debit = sum(self._amount(row["Debit"]) for row in rows)
        credit = sum(self._amount(row["Credit"]) for row in rows)
        self.assertAlmostEqual(debit, credit)
        self.assertAlmostEqual(debit, 45.0)
        vat = sorted(self._amount(row["Debit"]) for row in by_account["445660"])
        self.assertEqual(vat, [2.0, 3.01])
        self.assertAlmostEqual(self._amount(by_account["606400"][0]["Debit"]), 10.0)
        self.assertAlmostEqual(self._amount(by_account["625700"][0]["Debit"]), 29.99)


@tagged("post_install", "-at_install")
class TestPostedNotExported(PostingCommon):
    def test_posted_reports_left_out_of_the_file_export(self):
        """Outside test (issue 10): the CSV/FEC file export carried reports already
        posted in Odoo's books (their charges and VAT would count twice in the
        tool importing it). Only reports approved before Accounting remain."""
        posted = self._submitted()
        self._approve(posted)
        # Approved before the addon was installed: no entry.
        earlier = self._submitted(activity=self.activity_b)
        earlier.sudo().write({"state": "approved"})
        wizard = (
            self.env["cae.expense.export.wizard"]
            .with_user(self.accountant)
            .create(
                {
                    "date_from": self.month,
                    "date_to": self.month,
                    "include_exported": True,
                }
            )
        )
        self.assertEqual(wizard.report_count, 1)
        wizard.action_export()
        content = base64.b64decode(wizard.export_file).decode("utf-8-sig")
        self.assertIn(earlier.name, content)
        self.assertNotIn(posted.name, content)
        self.assertFalse(posted.exported)
