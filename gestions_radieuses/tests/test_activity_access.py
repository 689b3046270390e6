import base64
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PDF_BYTES, CaeCommon

ROLES = (
    "entrepreneur_a",
    "entrepreneur_b",
    "advisor",
    "accountant",
    "manager",
    "internal",
    "other_company",
)

# What each role may do on entrepreneur A's records: r(ead) w(rite) c(reate) u(nlink).
EXPECTED = {
    "cae.activity": {
        "entrepreneur_a": "r",
        "advisor": "rwc",
        "accountant": "r",
        "manager": "rwcu",
    },
    # Entrepreneurs send documents through cae_portal_upload, not the ORM.
    "cae.activity.document": {
        "entrepreneur_a": "r",
        "advisor": "rwcu",
        "accountant": "r",
        "manager": "rwcu",
    },
    "cae.accompaniment": {
        "entrepreneur_a": "r",
        "advisor": "rwcu",
        "manager": "rwcu",
    },
    "cae.activity.stage.history": {
        "entrepreneur_a": "r",
        "advisor": "r",
        "accountant": "r",
        "manager": "rwcu",
    },
    # Document types are shared by every company of the database.
    "cae.document.type": {
        "entrepreneur_a": "r",
        "entrepreneur_b": "r",
        "advisor": "r",
        "accountant": "r",
        "manager": "rwcu",
        "other_company": "rwcu",
    },
}


@tagged("post_install", "-at_install")
class TestActivityAccess(CaeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.interview_a = cls._accompaniment(cls.activity_a)

    def _create_vals(self, model):
        """Values for a new record hanging on entrepreneur A's activity."""
        return {
            "cae.activity": {
                "name": "New",
                "entrepreneur_id": self.partner_a.id,
                "company_id": self.company.id,
            },
            "cae.activity.document": {
                "activity_id": self.activity_a.id,
                "type_id": self.type_contract.id,
                "file": base64.b64encode(PDF_BYTES),
                "file_name": "contract.pdf",
            },
            "cae.accompaniment": {"activity_id": self.activity_a.id},
            "cae.activity.stage.history": {
                "activity_id": self.activity_a.id,
                "stage": "cape",
                "date_start": date(2024, 1, 1),
            },
            "cae.document.type": {"name": "Kbis"},
        }[model]

    def _write_vals(self, model):
        return {
            "cae.activity": {"sector": "Edited"},
            "cae.activity.document": {"note": "Edited"},
            "cae.accompaniment": {"next_step": "Edited"},
            "cae.activity.stage.history": {"date_start": date(2024, 2, 1)},
            "cae.document.type": {"description": "Edited"},
        }[model]

    def _record(self, model):
        """A fresh record of A's, made by the superuser, for the role to act on."""
        if model == "cae.activity":
            return self.env[model].create(
                {"name": "Target", "entrepreneur_id": self.partner_a.id}
            )
        return self.env[model].create(self._create_vals(model))

    def _allowed(self, user, model, operation):
        record = self._record(model).with_user(user)
        try:
            with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"):
                if operation == "r":
                    record.read(["display_name"])
                elif operation == "w":
                    record.write(self._write_vals(model))
                elif operation == "c":
                    self.env[model].with_user(user).create(self._create_vals(model))
                else:
                    record.unlink()
                self.env.flush_all()
        except AccessError:
            return False
        except UserError:
            # Multi-company: a record of a company the user is not in.
            return False
        return True

    def test_access_matrix(self):
        for model, allowed in EXPECTED.items():
            for role in ROLES:
                user = getattr(self, role)
                for operation in "rwcu":
                    expected = operation in allowed.get(role, "")
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(
                            self._allowed(user, model, operation),
                            expected,
                            f"{role} {'may' if expected else 'may not'} "
                            f"{operation} {model}",
                        )

    def test_entrepreneur_sees_only_own_records(self):
        for user, activity in (
            (self.entrepreneur_a, self.activity_a),
            (self.entrepreneur_b, self.activity_b),
        ):
            Activity = self.env["cae.activity"].with_user(user)
            self.assertEqual(Activity.search([]), activity)
            self.assertEqual(
                self.env["cae.accompaniment"].with_user(user).search([]).activity_id,
                activity if activity == self.activity_a else activity.browse(),
            )

    def test_co_entrepreneur_sees_the_collective_activity(self):
        Activity = self.env["cae.activity"].with_user(self.entrepreneur_b)
        self.assertNotIn(self.activity_a, Activity.search([]))
        self.activity_a.co_entrepreneur_ids = self.partner_b
        self.assertIn(self.activity_a, Activity.search([]))

    def test_portal_never_reads_internal_notes_nor_cancelled_meetings(self):
        interview = self.interview_a.with_user(self.entrepreneur_a)
        self.assertEqual(interview.summary, "Shared summary")
        with self.assertRaises(AccessError):
            interview.read(["internal_note"])
        self.interview_a.action_cancel()
        self.assertFalse(
            self.env["cae.accompaniment"].with_user(self.entrepreneur_a).search([])
        )

    def test_other_company_sees_nothing(self):
        self.assertFalse(
            self.env["cae.activity"].with_user(self.other_company).search([])
        )
        mine = (
            self.env["cae.activity"]
            .with_user(self.other_company)
            .create({"name": "Elsewhere", "entrepreneur_id": self.partner_b.id})
        )
        self.assertEqual(mine.company_id, self.company_2)
        self.assertEqual(mine.analytic_account_id.company_id, self.company_2)
        self.assertNotIn(
            mine, self.env["cae.activity"].with_user(self.advisor).search([])
        )
