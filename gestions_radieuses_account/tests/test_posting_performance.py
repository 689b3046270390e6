import logging

from odoo.tests import tagged

from .posting_common import PostingCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPostingQueries(PostingCommon):
    """Approving posts all the entries with one create and one post: the module's
    own queries do not grow with the number of reports nor their lines. The
    entries come complete (no tax resync, no chatter), so what is left per entry
    is Odoo's posting: under one query per entry once the journal's sequence is
    known (measured: 1 report 100 queries, 5 reports 103), held below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activities = cls.env["cae.activity"].create(
            [
                {
                    "name": f"Batch {n}",
                    "entrepreneur_id": cls.partner_b.id,
                    "stage": "salaried",
                }
                for n in range(6)
            ]
        )

    def _reports(self, activities):
        reports = self.Report.browse()
        for activity in activities:
            reports |= self._submitted(
                activity=activity,
                lines=[
                    {"amount_total": 12.0, "amount_vat": 2.0},
                    {"amount_total": 24.0, "amount_vat": 4.0},
                    {
                        "category_id": self.cat_receptions.id,
                        "amount_total": 33.0,
                        "vat_rate": "10",
                        "amount_vat": 3.0,
                    },
                ],
                receipt=True,
            )
        return reports

    def _count(self, reports):
        reports = reports.with_user(self.accountant)
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        reports.action_approve()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_queries_flat_in_the_number_of_reports(self):
        one = self._count(self._reports(self.activities[:1]))
        five = self._count(self._reports(self.activities[1:]))
        message = f"1 report: {one} queries, 5 reports: {five}"
        _logger.info("Approving with posting: %s", message)
        self.assertLessEqual(one, 102, message)
        self.assertLessEqual(five - one, 4 * 1, message)
