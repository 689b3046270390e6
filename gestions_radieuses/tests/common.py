"""Shared fixtures: a CAE, one user per role, two entrepreneurs, a second company."""

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

# A valid one-page PDF and a 1x1 PNG, small enough to inline.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class CaeCommon(TransactionCase):
    """One user per role and two entrepreneurs, A and B, each with an activity.

    Roles: ``entrepreneur_a`` / ``entrepreneur_b`` (portal), ``advisor``,
    ``accountant``, ``manager``, ``internal`` (no CAE group) and ``other_company``
    (a manager of another company only).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Autre CAE"})
        cls.advisor = new_test_user(
            cls.env,
            "cae_advisor",
            groups="gestions_radieuses.group_advisor",
            name="Advisor",
        )
        cls.accountant = new_test_user(
            cls.env,
            "cae_accountant",
            groups="gestions_radieuses.group_accountant",
            name="Accountant",
        )
        cls.manager = new_test_user(
            cls.env,
            "cae_manager",
            groups="gestions_radieuses.group_manager",
            name="Manager",
        )
        cls.internal = new_test_user(
            cls.env,
            "cae_internal",
            groups="base.group_user",
            name="Internal",
        )
        cls.other_company = new_test_user(
            cls.env,
            "cae_other_company",
            groups="gestions_radieuses.group_manager",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
            name="Other company manager",
        )
        cls.entrepreneur_a = new_test_user(
            cls.env,
            "cae_entrepreneur_a",
            groups="base.group_portal",
            name="Entrepreneur A",
            password="cae_entrepreneur_a",
        )
        cls.entrepreneur_b = new_test_user(
            cls.env,
            "cae_entrepreneur_b",
            groups="base.group_portal",
            name="Entrepreneur B",
            password="cae_entrepreneur_b",
        )
        cls.partner_a = cls.entrepreneur_a.partner_id
        cls.partner_b = cls.entrepreneur_b.partner_id
        cls.activity_a = cls.env["cae.activity"].create(
            {
                "name": "Activity A",
                "entrepreneur_id": cls.partner_a.id,
                "advisor_id": cls.advisor.id,
                "stage": "salaried",
                "vehicle_type": "car",
                "vehicle_fiscal_power": 5,
            }
        )
        cls.activity_b = cls.env["cae.activity"].create(
            {
                "name": "Activity B",
                "entrepreneur_id": cls.partner_b.id,
                "advisor_id": cls.advisor.id,
                "stage": "cape",
            }
        )
        cls.type_insurance = cls.env.ref(
            "gestions_radieuses.document_type_liability_insurance"
        )
        cls.type_contract = cls.env.ref("gestions_radieuses.document_type_contract")
