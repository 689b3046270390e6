"""Two accountants approving the same report at once, through two connections
that really overlap (committed data, two cursors): one entry."""

import time

from odoo import SUPERUSER_ID, api
from odoo.addons.gestions_radieuses.tests.test_deadline_concurrency import (
    CommittedDataCase,
)
from odoo.exceptions import UserError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestPostingRace(CommittedDataCase):
    def setUp(self):
        super().setUp()

        def make(env):
            company = env.company
            saved = {
                "journal": company.cae_expense_journal_id.id,
                "account": company.cae_expense_account_id.id,
            }
            journal = env["account.journal"].create(
                {"name": "Race NDF", "code": "RNDF", "type": "general"}
            )
            owed, expense = env["account.account"].create(
                [
                    {
                        "name": "Race owed",
                        "code": "421999",
                        "account_type": "liability_payable",
                        "non_trade": True,
                        "reconcile": True,
                    },
                    {
                        "name": "Race expense",
                        "code": "606999",
                        "account_type": "expense",
                    },
                ]
            )
            company.write(
                {
                    "cae_expense_journal_id": journal.id,
                    "cae_expense_account_id": owed.id,
                }
            )
            category = env["cae.expense.category"].create(
                {
                    "name": "Race category",
                    "account_code": "606999",
                    "vat_rate": "0",
                    "receipt_required": False,
                    "company_id": company.id,
                }
            )
            category.account_id = expense
            partner = env["res.partner"].create({"name": "Race entrepreneur"})
            activity = env["cae.activity"].create(
                {"name": "Race", "entrepreneur_id": partner.id, "stage": "salaried"}
            )
            line = env["cae.expense.line"].create(
                {
                    "activity_id": activity.id,
                    "category_id": category.id,
                    "amount_total": 10.0,
                    "date": company._cae_today().replace(day=1),
                }
            )
            line.report_id.action_submit()
            return {
                **saved,
                "company": company.id,
                "new_journal": journal.id,
                "accounts": (owed | expense).ids,
                "category": category.id,
                "partner": partner.id,
                "activity": activity.id,
                "report": line.report_id.id,
            }

        self.data = self._committed(make)

        def remove(env):
            data = self.data
            moves = env["account.move"].search(
                [("journal_id", "=", data["new_journal"])]
            )
            moves.cae_expense_report_id = False
            # The report's entry is never deleted behind it: unlink them first.
            env.cr.execute(
                "UPDATE cae_expense_report SET move_id = NULL WHERE id = %s",
                [data["report"]],
            )
            env["cae.expense.report"].invalidate_model(["move_id"])
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env.cr.execute(
                "DELETE FROM cae_expense_line WHERE report_id = %s; "
                "DELETE FROM cae_expense_report WHERE id = %s",
                [data["report"], data["report"]],
            )
            activity = env["cae.activity"].browse(data["activity"])
            analytic = activity.analytic_account_id
            env["cae.deadline"].search([("activity_id", "=", activity.id)]).unlink()
            activity.unlink()
            analytic.exists().unlink()
            env["cae.expense.category"].browse(data["category"]).unlink()
            env["res.company"].browse(data["company"]).write(
                {
                    "cae_expense_journal_id": data["journal"],
                    "cae_expense_account_id": data["account"],
                }
            )
            env["account.journal"].browse(data["new_journal"]).unlink()
            env["account.account"].browse(data["accounts"]).unlink()
            env["res.partner"].browse(data["partner"]).unlink()

        self.addCleanup(self._committed, remove)

    def _entries(self):
        def count(env):
            env.cr.execute(
                "SELECT count(*) FROM account_move WHERE cae_expense_report_id = %s",
                [self.data["report"]],
            )
            return env.cr.fetchone()[0]

        return self._committed(count)

    def test_two_approvals_at_once_post_one_entry(self):
        with self.registry.cursor() as first_cr:
            first = api.Environment(first_cr, SUPERUSER_ID, {})
            first["cae.expense.report"].browse(self.data["report"]).action_approve()
            first.flush_all()
            with self.registry.cursor() as second_cr:
                second_cr.execute("SET LOCAL lock_timeout = '10s'")
                second = api.Environment(second_cr, SUPERUSER_ID, {})
                start = time.time()
                with self.assertRaisesRegex(UserError, "Someone else"):
                    second["cae.expense.report"].browse(
                        self.data["report"]
                    ).action_approve()
                self.assertLess(time.time() - start, 5)
                second_cr.rollback()
            first_cr.commit()
        with self.registry.cursor() as second_cr:
            second = api.Environment(second_cr, SUPERUSER_ID, {})
            with self.assertRaisesRegex(UserError, "not possible any more"):
                second["cae.expense.report"].browse(
                    self.data["report"]
                ).action_approve()
            second_cr.rollback()
        self.assertEqual(self._entries(), 1)
