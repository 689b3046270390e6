from datetime import date

from odoo.tests import tagged

from .posting_common import PostingCommon


@tagged("post_install", "-at_install")
class TestPosting(PostingCommon):
    def test_default_configuration(self):
        """On the French chart: the NDF journal, 421000 as a reconcilable
        third-party liability (not 425000, an asset), categories on their 6xxx."""
        self.assertEqual(self.journal.code, "NDF")
        self.assertEqual(self.journal.type, "general")
        self.assertEqual(self.liability.code, "421000")
        self.assertTrue(self.liability.reconcile)
        self.assertEqual(self.liability.account_type, "liability_payable")
        company = self.company
        for category, code in (
            (self.cat_supplies, "606400"),
            (self.cat_receptions, "625700"),
            (self.cat_mileage, "625100"),
            (self.cat_documentation, "618100"),
        ):
            self.assertEqual(category.with_company(company).account_id.code, code)

    def test_expense_journal_named_in_french(self):
        """Phone outside test (issue 10): the journal read "Expense reports" in a
        French database (French loaded after the journal was made)."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["gestions_radieuses_account"], ["fr_FR"], overwrite=True
        )
        self.company._cae_name_expense_journal()
        journal = self.company.cae_expense_journal_id
        self.assertEqual(journal.with_context(lang="fr_FR").name, "Notes de dépenses")
        self.assertEqual(journal.with_context(lang="en_US").name, "Expense reports")

    def test_entry_of_a_report(self):
        """One balanced entry: a line per expense account excl. VAT with the
        activity's analytic account, the VAT entered on the receipts through the
        French deductible VAT (with its tax grids), the total owed to the
        entrepreneur on 421000 with their partner, the receipt attached."""
        report = self._submitted(
            lines=[
                {"amount_total": 12.0, "amount_vat": 2.0},
                # Two receipts at 20 %: their VAT as printed, 0.33 + 0.34 (the
                # rate on 3.67 would give 0.68).
                {"amount_total": 2.0, "amount_vat": 0.33},
                {"amount_total": 2.01, "amount_vat": 0.34},
                {
                    "category_id": self.cat_receptions.id,
                    "amount_total": 33.0,
                    "vat_rate": "10",
                    "amount_vat": 3.01,
                },
                {
                    "category_id": self.cat_mileage.id,
                    "distance_km": 100,
                    "trip_from": "Lyon",
                    "trip_to": "Vienne",
                },
            ],
            receipt=True,
        )
        mileage = report.line_ids.filtered("is_mileage").amount_total
        self.assertTrue(mileage)
        move = self._approve(report)
        self.assertEqual(report.state, "approved")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(move.move_type, "entry")
        self.assertEqual(move.date, date(2026, 3, 31))
        self.assertEqual(move.cae_expense_report_id, report)
        lang = self.company.partner_id.lang
        month = report.with_context(lang=lang).month_label
        self.assertEqual(move.ref, f"{report.name} – Entrepreneur A – {month}")
        self.assertIn("Entrepreneur A", move.ref)
        lines = move.line_ids
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))
        by_account = {}
        for line in lines:
            by_account.setdefault(line.account_id.code, []).append(line)
        self.assertEqual(
            sorted(by_account),
            ["421000", "445660", "606400", "625100", "625700"],
        )
        (supplies,) = by_account["606400"]
        self.assertAlmostEqual(supplies.balance, 10.0 + 1.67 + 1.67)
        self.assertEqual(supplies.tax_ids, self._tax("20"))
        (receptions,) = by_account["625700"]
        self.assertAlmostEqual(receptions.balance, 29.99)
        self.assertEqual(receptions.tax_ids, self._tax("10"))
        (trip,) = by_account["625100"]
        self.assertAlmostEqual(trip.balance, mileage)
        self.assertFalse(trip.tax_ids)
        analytic = {str(self.activity_a.analytic_account_id.id): 100.0}
        for line in (supplies, receptions, trip):
            self.assertEqual(line.analytic_distribution, analytic)
            base_tags = line.tax_ids.invoice_repartition_line_ids.filtered(
                lambda r: r.repartition_type == "base"
            ).tag_ids
            self.assertEqual(line.tax_tag_ids, base_tags)
        vat = {line.tax_line_id: line for line in by_account["445660"]}
        self.assertEqual(set(vat), {self._tax("20"), self._tax("10")})
        # The VAT entered, per rate, to the cent.
        self.assertAlmostEqual(vat[self._tax("20")].balance, 2.67)
        self.assertAlmostEqual(vat[self._tax("10")].balance, 3.01)
        for tax, line in vat.items():
            repartition = line.tax_repartition_line_id
            self.assertEqual(repartition.tax_id, tax)
            self.assertEqual(line.tax_tag_ids, repartition.tag_ids)
        self.assertTrue(vat[self._tax("20")].tax_tag_ids, "the VAT return's grid")
        self.assertAlmostEqual(vat[self._tax("20")].tax_base_amount, 13.34)
        (owed,) = by_account["421000"]
        self.assertAlmostEqual(owed.credit, report.amount_total)
        self.assertEqual(owed.partner_id, self.partner_a)
        self.assertTrue(owed.account_id.reconcile)
        self.assertEqual(lines.partner_id, self.partner_a)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", move.id)]
        )
        self.assertEqual(attachments.mapped("name"), ["receipt.pdf"])
        self.assertEqual(attachments.raw[:4], b"%PDF")

    def test_vat_return_sees_the_vat(self):
        """The tax report's engine reads the tags: the deductible VAT of the
        entry is counted on the grid of its repartition line (tag balance)."""
        report = self._submitted(lines=[{"amount_total": 120.0, "amount_vat": 20.0}])
        move = self._approve(report)
        vat_line = move.line_ids.filtered("tax_line_id")
        tags = vat_line.tax_tag_ids
        self.assertTrue(tags)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT SUM(balance) FROM account_move_line aml "
            "JOIN account_account_tag_account_move_line_rel rel "
            "ON rel.account_move_line_id = aml.id "
            "WHERE aml.move_id = %s AND rel.account_account_tag_id IN %s "
            "AND aml.tax_line_id IS NOT NULL",
            [move.id, tuple(tags.ids)],
        )
        self.assertAlmostEqual(self.env.cr.fetchone()[0], 20.0)
        self.assertFalse(vat_line.tax_tag_invert)

    def test_batch_one_entry_per_report(self):
        report_a = self._submitted()
        report_b = self._submitted(activity=self.activity_b)
        reports = report_a | report_b
        moves = self._approve(reports)
        self.assertEqual(len(moves), 2)
        self.assertEqual(report_a.move_id.cae_expense_report_id, report_a)
        self.assertEqual(report_b.move_id.cae_expense_report_id, report_b)
        self.assertEqual(
            report_b.move_id.line_ids.filtered("credit").partner_id, self.partner_b
        )

    def test_regularisation_owed_to_the_cooperative(self):
        """A report that is only a negative year-end regularisation: the
        entrepreneur owes the cooperative, 421000 is debited."""
        regularisation = self._regularisation(self.activity_a, -50.0)
        report = regularisation.report_id
        report.action_submit()
        move = self._approve(report)
        owed = move.line_ids.filtered(lambda line: line.account_id == self.liability)
        self.assertAlmostEqual(owed.debit, 50.0)
        trip = move.line_ids.filtered(lambda line: line.account_id.code == "625100")
        self.assertAlmostEqual(trip.credit, 50.0)
        self.assertEqual(
            trip.analytic_distribution,
            {str(self.activity_a.analytic_account_id.id): 100.0},
        )

    def test_regularisation_within_a_report(self):
        report = self._submitted(lines=[{"amount_total": 120.0, "amount_vat": 20.0}])
        report.write({"state": "draft"})
        self._regularisation(self.activity_a, -30.0)
        report.action_submit()
        move = self._approve(report)
        owed = move.line_ids.filtered(lambda line: line.account_id == self.liability)
        self.assertAlmostEqual(owed.credit, 90.0)
        self.assertAlmostEqual(report.amount_residual, 90.0)

    def test_entry_date_of_the_current_month(self):
        """A report of a month not over yet is posted on the CAE's day."""
        today = self.company._cae_today()
        report = self._submitted(day=today)
        move = self._approve(report)
        self.assertEqual(move.date, today)
