import base64
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged, users, warmup

from .common import PDF_BYTES, PNG_BYTES
from .expense_common import CaeExpenseCommon


@tagged("post_install", "-at_install")
class TestExpenseLines(CaeExpenseCommon):
    """Lines: VAT and totals, bad input, possible duplicates."""

    def test_vat_and_totals_rounding(self):
        line_20 = self._line(amount_total=10.0)  # 10 × 20 / 120 = 1.666…
        self.assertEqual(line_20.vat_rate, "20")
        self.assertAlmostEqual(line_20.amount_vat, 1.67, 2)
        self.assertAlmostEqual(line_20.amount_untaxed, 8.33, 2)
        line_55 = self._line(category_id=self.cat_documentation.id, amount_total=100.0)
        self.assertAlmostEqual(line_55.amount_vat, 5.21, 2)  # 100 × 5.5 / 105.5
        line_10 = self._line(
            category_id=self.cat_receptions.id, amount_total=33.33, vat_rate="10"
        )
        self.assertAlmostEqual(line_10.amount_vat, 3.03, 2)  # 33.33 × 10 / 110
        line_0 = self._line(amount_total=7.0, vat_rate="0")
        self.assertEqual(line_0.amount_vat, 0.0)
        report = line_20.report_id
        self.assertEqual(report, line_55.report_id)
        self.assertEqual(report.date, self.today.replace(day=1))
        self.assertEqual(report.line_count, 4)
        self.assertAlmostEqual(report.amount_total, 150.33, 2)
        self.assertAlmostEqual(report.amount_vat, 1.67 + 5.21 + 3.03, 2)
        self.assertAlmostEqual(report.amount_untaxed, 150.33 - 9.91, 2)
        self.assertFalse(line_20.vat_mismatch)
        # VAT corrected by hand to something the rate cannot give: flagged.
        line_20.amount_vat = 2.0
        self.assertTrue(line_20.vat_mismatch)
        self.assertEqual(report.vat_mismatch_count, 1)

    def test_one_report_per_activity_and_month(self):
        line_1 = self._line()
        line_2 = self._line(date=self.today.replace(day=1) - timedelta(days=1))
        line_3 = self._line(activity=self.activity_b)
        self.assertNotEqual(line_1.report_id, line_2.report_id)
        self.assertNotEqual(line_1.report_id, line_3.report_id)
        self.assertTrue(line_1.report_id.name.startswith("NDF/"))
        # Moving a line to another month moves it to that month's report.
        line_1.date = line_2.date
        self.assertEqual(line_1.report_id, line_2.report_id)

    def test_bad_input(self):
        cases = [
            {"amount_total": 0.0},
            {"amount_total": -5.0},
            {"date": self.today + timedelta(days=1)},
            {"date": self.today - timedelta(days=400)},
        ]
        for vals in cases:
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self._line(**vals)
        other_category = self.cat_supplies.copy({"company_id": self.company_2.id})
        with self.assertRaises(UserError), self.cr.savepoint():
            self._line(category_id=other_category.id)
        self.assertFalse(self.Line.search([("activity_id", "=", self.activity_a.id)]))

    def test_receipt_type_and_size(self):
        line = self._line(user=self.entrepreneur_a)
        line.with_user(self.entrepreneur_a)._attach_receipts([("r.png", PNG_BYTES)])
        self.assertEqual(line.receipt_count, 1)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            line.with_user(self.entrepreneur_a)._attach_receipts(
                [("r.txt", b"just some text")]
            )
        self.company.cae_upload_max_size_mb = 1
        with self.assertRaises(ValidationError), self.cr.savepoint():
            line.with_user(self.entrepreneur_a)._attach_receipts(
                [("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))]
            )
        line.invalidate_recordset()
        self.assertEqual(line.receipt_count, 1)

    def test_missing_receipt_and_old_line(self):
        line = self._line()
        self.assertTrue(line.receipt_missing)
        trip = self._line(
            category_id=self.cat_mileage.id, distance_km=12, trip_from="A", trip_to="B"
        )
        self.assertFalse(trip.receipt_missing)
        old = self._line(date=self.today - timedelta(days=100))
        self.assertTrue(old.is_old)
        self.assertFalse(line.is_old)
        self.assertEqual(line.report_id.missing_receipt_count, 1)

    def _attach(self, line, data):
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "receipt.png",
                    "raw": data,
                    "res_model": "cae.expense.line",
                    "res_id": line.id,
                }
            )
        )

    def test_duplicates_by_checksum(self):
        line_a = self._line(amount_total=12.0)
        line_b = self._line(activity=self.activity_b, amount_total=99.0)
        other_company_activity = self.env["cae.activity"].create(
            {
                "name": "Elsewhere",
                "entrepreneur_id": self.partner_b.id,
                "company_id": self.company_2.id,
            }
        )
        line_c = self._line(activity=other_company_activity, amount_total=50.0)
        for line in line_a | line_b | line_c:
            self._attach(line, PNG_BYTES)
        lines = line_a | line_b | line_c
        lines.invalidate_recordset()
        self.assertEqual(line_a.duplicate_line_ids, line_b)
        self.assertEqual(line_b.duplicate_line_ids, line_a)
        self.assertIn("same receipt file", line_a.duplicate_reason)
        # Another company's receipts are not compared.
        self.assertFalse(line_c.duplicate_line_ids)

    def test_duplicates_by_date_and_amount(self):
        line_1 = self._line(amount_total=42.0)
        line_2 = self._line(amount_total=42.0, category_id=self.cat_receptions.id)
        line_3 = self._line(amount_total=42.5)
        line_b = self._line(activity=self.activity_b, amount_total=42.0)
        (line_1 | line_2 | line_3 | line_b).invalidate_recordset()
        self.assertEqual(line_1.duplicate_line_ids, line_2)
        self.assertIn("same date and amount", line_1.duplicate_reason)
        self.assertFalse(line_3.duplicate_line_ids)
        self.assertFalse(line_b.duplicate_line_ids)
        self.assertEqual(line_1.report_id.duplicate_count, 2)


@tagged("post_install", "-at_install")
class TestExpenseWorkflow(CaeExpenseCommon):
    """draft → submitted → approved / refused → paid, per state and per role."""

    def setUp(self):
        super().setUp()
        self.line = self._line(user=self.entrepreneur_a, amount_total=120.0)
        self.report = self.line.report_id

    def test_submit_by_entrepreneur(self):
        self.assertEqual(self.line.spent_by_id, self.partner_a)
        self.report.with_user(self.entrepreneur_a).action_submit()
        self.assertEqual(self.report.state, "submitted")
        self.assertEqual(self.report.submitted_by_id, self.entrepreneur_a)
        # Already submitted: refused, whoever tries.
        with self.assertRaises(UserError):
            self.report.with_user(self.entrepreneur_a).action_submit()
        # Lines of a submitted report cannot be changed or removed; one added for
        # its month goes into a complementary report (issue 9, test_expense_flow).
        late = self._line(user=self.entrepreneur_a, amount_total=5.0)
        self.assertEqual(late.report_id.complement_number, 1)
        self.assertEqual(self.report.line_ids, self.line)
        with self.assertRaises(UserError):
            self.line.with_user(self.entrepreneur_a).portal_correct_expense(
                amount_total=1.0
            )
        with self.assertRaises(UserError):
            self.line.with_user(self.entrepreneur_a).portal_remove_expense()
        with self.assertRaises(UserError):
            self.line.with_user(self.entrepreneur_a)._attach_receipts(
                [("r.png", PNG_BYTES)]
            )
        with self.assertRaises(UserError):
            self.line.with_user(self.entrepreneur_a).portal_add_receipts(
                [("r.png", PNG_BYTES)]
            )
        # Entrepreneurs write nothing through the generic ORM (issue 8), and the
        # old workflow flags give nothing to anyone's call.
        with self.assertRaises(AccessError):
            self.line.with_user(self.entrepreneur_a).amount_total = 1.0
        with self.assertRaises(AccessError):
            self.line.with_user(self.entrepreneur_a).unlink()
        with self.assertRaises(AccessError):
            self.line.with_user(self.entrepreneur_a).with_context(
                cae_mileage_update=True
            ).write({"amount_total": 1.0})
        with self.assertRaises(UserError):
            self.report.with_user(self.accountant).with_context(
                cae_expense_transition=True
            ).write({"state": "approved"})
        self.assertEqual(self.line.amount_total, 120.0)

    def test_staff_only_fields(self):
        Line = self.line.with_user(self.entrepreneur_a)
        for vals in (
            {"is_regularisation": True},
            {"vehicle_fiscal_power": 1},
        ):
            with self.assertRaises(AccessError):
                Line.write(vals)
        with self.assertRaises(AccessError):
            self._line(
                user=self.entrepreneur_a, amount_total=-50, is_regularisation=True
            )
        # A trip's amount always comes from the scale.
        trip = self._line(
            user=self.entrepreneur_a,
            category_id=self.cat_mileage.id,
            distance_km=10,
            trip_from="A",
            trip_to="B",
        )
        with self.assertRaises(AccessError):
            trip.with_user(self.entrepreneur_a).amount_total = 500.0
        # Even staff who may edit lines get the scale's amount for a trip.
        trip.with_user(self.accountant).amount_total = 500.0
        self.assertAlmostEqual(trip.amount_total, 6.36, 2)

    def test_submit_refused(self):
        with self.assertRaises(AccessError):
            self.report.with_user(self.entrepreneur_b).action_submit()
        with self.assertRaises(AccessError):
            self.report.with_user(self.internal).action_submit()
        empty = self.Report.create(
            {"activity_id": self.activity_b.id, "date": self.today}
        )
        with self.assertRaises(UserError):
            empty.with_user(self.entrepreneur_b).action_submit()
        self.assertEqual(empty.state, "draft")
        # The state is never written directly.
        with self.assertRaises(UserError):
            self.report.with_user(self.accountant).write({"state": "approved"})

    def test_approve(self):
        with self.assertRaises(UserError):  # a draft cannot be approved
            self.report.with_user(self.accountant).action_approve()
        self.report.action_submit()
        for user in (self.entrepreneur_a, self.advisor, self.internal):
            with self.assertRaises(AccessError), self.cr.savepoint():
                self.report.with_user(user).action_approve()
        with self.assertRaises(AccessError):
            self.report.with_user(self.other_company).action_approve()
        self.report.with_user(self.accountant).action_approve()
        self.assertEqual(self.report.state, "approved")
        self.assertEqual(self.report.approved_by_id, self.accountant)
        with self.assertRaises(UserError):  # already approved
            self.report.with_user(self.manager).action_approve()

    def test_approve_own_report(self):
        self.activity_a.co_entrepreneur_ids = self.accountant.partner_id
        self.report.action_submit()
        with self.assertRaises(AccessError):
            self.report.with_user(self.accountant).action_approve()
        self.report.with_user(self.manager).action_approve()
        self.assertEqual(self.report.state, "approved")

    def test_refuse_and_resubmit(self):
        self.report.action_submit()
        with self.assertRaises(UserError):
            self._refuse(self.report, "  ")
        with self.assertRaises(AccessError):
            self._refuse(self.report, "no", user=self.entrepreneur_a)
        with self.assertRaises(AccessError):
            self.report.with_user(self.entrepreneur_a)._do_refuse("no")
        wizard = (
            self.env["cae.expense.refuse.wizard"]
            .with_user(self.accountant)
            .create({"report_ids": self.report.ids, "reason": "Receipt missing"})
        )
        wizard.action_refuse()
        self.assertEqual(self.report.state, "refused")
        self.assertEqual(self.report.refusal_reason, "Receipt missing")
        self.assertEqual(self.report.line_ids, self.line)
        # Back with the entrepreneur: they correct and submit again.
        self.line.with_user(self.entrepreneur_a)._attach_receipts(
            [("r.png", PNG_BYTES)]
        )
        self.line.with_user(self.entrepreneur_a).portal_correct_expense(
            amount_total=110.0
        )
        self.assertEqual(self.line.amount_total, 110.0)
        self.report.with_user(self.entrepreneur_a).action_submit()
        self.assertEqual(self.report.state, "submitted")
        self.report.with_user(self.accountant).action_approve()
        with self.assertRaises(UserError):  # approved: too late to refuse
            self._refuse(self.report, "again")

    def test_payment(self):
        self.report.action_submit()
        with self.assertRaises(UserError):  # not approved yet
            self._register_payment(self.report, 10.0)
        self.report.with_user(self.accountant).action_approve()
        with self.assertRaises(UserError):
            self._register_payment(self.report, 120.01)
        with self.assertRaises(UserError):
            self._register_payment(self.report, 0.0)
        with self.assertRaises(AccessError):
            self._register_payment(self.report, 10.0, user=self.advisor)
        with self.assertRaises(AccessError):
            self.report.with_user(self.advisor)._do_register_payment(10.0)
        self._register_payment(self.report, 100.0)
        # Issue 8: a part payment no longer marks the report paid.
        self.assertEqual(self.report.state, "partial")
        self.assertAlmostEqual(self.report.amount_residual, 20.0, 2)
        wizard = (
            self.env["cae.expense.payment.wizard"]
            .with_user(self.accountant)
            .create({"report_ids": self.report.ids, "amount": 20.0})
        )
        wizard.action_pay()
        self.assertAlmostEqual(self.report.amount_paid, 120.0, 2)
        self.assertAlmostEqual(self.report.amount_residual, 0.0, 2)
        self.assertEqual(self.report.state, "paid")
        with self.assertRaises(UserError):  # nothing left to pay
            self._register_payment(self.report)

    def test_desk_filter_needs_attention(self):
        self.report.action_submit()
        flagged = self.Report.with_user(self.accountant).search(
            [("needs_attention", "=", True)]
        )
        self.assertIn(self.report, flagged)  # its receipt is missing
        self.env["ir.attachment"].create(
            {
                "name": "r.png",
                "raw": PNG_BYTES,
                "res_model": "cae.expense.line",
                "res_id": self.line.id,
            }
        )
        self.report.invalidate_recordset()
        self.line.invalidate_recordset()
        self.assertNotIn(
            self.report,
            self.Report.with_user(self.accountant).search(
                [("needs_attention", "=", True)]
            ),
        )


@tagged("post_install", "-at_install")
class TestExpenseAccess(CaeExpenseCommon):
    """ACLs per role for every model, and record rules for people and companies."""

    def test_acl_matrix(self):
        roles = {
            "portal": self.entrepreneur_a,
            "advisor": self.advisor,
            "accountant": self.accountant,
            "manager": self.manager,
            "internal": self.internal,
        }
        # read, write, create, unlink
        matrix = {
            "cae.expense.category": {
                "portal": "1000",
                "advisor": "1000",
                "accountant": "1000",
                "manager": "1111",
                "internal": "0000",
            },
            "cae.mileage.scale": {
                "portal": "1000",
                "advisor": "1000",
                "accountant": "1000",
                "manager": "1111",
                "internal": "0000",
            },
            "cae.mileage.scale.band": {
                "portal": "1000",
                "advisor": "1000",
                "accountant": "1000",
                "manager": "1111",
                "internal": "0000",
            },
            "cae.expense.report": {
                "portal": "1000",
                "advisor": "1000",
                "accountant": "1110",
                "manager": "1111",
                "internal": "0000",
            },
            "cae.expense.line": {
                "portal": "1000",  # issue 8: entrepreneurs write through methods
                "advisor": "1000",
                "accountant": "1111",
                "manager": "1111",
                "internal": "0000",
            },
            "cae.expense.export.wizard": {
                "portal": "0000",
                "advisor": "0000",
                "accountant": "1110",
                "manager": "1110",
                "internal": "0000",
            },
        }
        for model, expected_by_role in matrix.items():
            for role, expected in expected_by_role.items():
                Model = self.env[model].with_user(roles[role])
                got = "".join(
                    str(int(Model.has_access(op)))
                    for op in ("read", "write", "create", "unlink")
                )
                self.assertEqual(got, expected, f"{model} for {role}")

    def test_record_rules(self):
        line_a = self._line()
        report_a = line_a.report_id
        line_b = self._line(activity=self.activity_b)
        # An entrepreneur sees only their own reports and lines.
        Report = self.Report.with_user(self.entrepreneur_a)
        self.assertEqual(Report.search([]), report_a)
        self.assertEqual(self.Line.with_user(self.entrepreneur_a).search([]), line_a)
        for record in (line_b.report_id, line_b):
            with self.assertRaises(AccessError):
                record.with_user(self.entrepreneur_a).check_access("read")
        with self.assertRaises(AccessError):
            line_b.with_user(self.entrepreneur_a).amount_total = 1.0
        # Nor can they add a line to another entrepreneur's activity.
        with self.assertRaises(AccessError):
            self._line(activity=self.activity_b, user=self.entrepreneur_a)
        # Another company's staff sees nothing of this company.
        for record in (report_a, line_a):
            with self.assertRaises(AccessError):
                record.with_user(self.other_company).check_access("read")
        # The support team reads everything of its company.
        for user in (self.advisor, self.accountant, self.manager):
            self.assertEqual(
                self.Report.with_user(user).search(
                    [("id", "in", (report_a | line_b.report_id).ids)]
                ),
                report_a | line_b.report_id,
            )
        # A co-entrepreneur of a collective sees the activity's reports.
        self.activity_b.co_entrepreneur_ids = self.partner_a
        self.env.flush_all()
        self.assertIn(line_b.report_id, Report.search([]))

    def test_receipts_readable_by_entrepreneur_and_staff_only(self):
        line = self._line(user=self.entrepreneur_a)
        receipt = line.with_user(self.entrepreneur_a)._attach_receipts(
            [("r.png", PNG_BYTES)]
        )
        for user in (self.entrepreneur_a, self.advisor, self.accountant):
            self.assertEqual(base64.b64decode(receipt.with_user(user).datas), PNG_BYTES)
        for user in (self.entrepreneur_b, self.internal, self.other_company):
            with self.assertRaises(AccessError):
                receipt.with_user(user).datas  # noqa: B018


@tagged("post_install", "-at_install")
class TestExpensePerformance(CaeExpenseCommon):
    """Batch approval does not grow with the number of lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activities = cls.env["cae.activity"].create(
            [
                {"name": f"Perf {i}", "entrepreneur_id": cls.partner_b.id}
                for i in range(8)
            ]
        )
        # Reports with 1, 2, … 8 lines.
        cls.Line.create(
            [
                {
                    "activity_id": activity.id,
                    "category_id": cls.cat_supplies.id,
                    "amount_total": 10.0 + n,
                    "date": cls.today,
                }
                for i, activity in enumerate(activities)
                for n in range(i + 1)
            ]
        )
        cls.reports = cls.Report.search(
            [("activity_id", "in", activities.ids)], order="line_count"
        )
        cls.reports.action_submit()

    def _approve_queries(self, reports):
        reports = reports.with_user(self.env.user)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        reports.action_approve()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    @users("cae_accountant")
    @warmup
    def test_batch_approve_queries(self):
        with self.assertQueryCount(cae_accountant=30):
            self.reports[:4].with_user(self.env.user).action_approve()
        self.assertEqual(set(self.reports[:4].mapped("state")), {"approved"})

    @users("cae_accountant")
    def test_batch_approve_does_not_grow_per_line(self):
        # A batch of 3 small reports (1–3 lines) against one of 3 big ones (6–8).
        self._approve_queries(self.reports[3:5])  # warms the caches up
        small = self._approve_queries(self.reports[:3])
        big = self._approve_queries(self.reports[5:8])
        self.assertGreater(small, 0)
        self.assertEqual(small, big)


@tagged("post_install", "-at_install")
class TestExpenseCategoryVat(CaeExpenseCommon):
    """The default VAT of each category is France's: passenger transport at 10 %,
    parking, tolls and car rental at 20 % (issue 9)."""

    def test_parking_at_20(self):
        travel = self.env.ref("gestions_radieuses.expense_category_travel")
        parking = self.env.ref("gestions_radieuses.expense_category_parking")
        self.assertEqual(travel.vat_rate, "10")
        # What the 10 % category lists before pointing to the other one.
        self.assertNotIn("parking", travel.description.split(".")[0].lower())
        self.assertEqual(parking.vat_rate, "20")
        line = self._line(category_id=parking.id, amount_total=12.0)
        self.assertEqual(line.vat_rate, "20")
        self.assertAlmostEqual(line.amount_vat, 2.0)
