"""Fixtures of the administrative calendar: rules on a fixed day, far from demo data."""

import base64
from datetime import date
from unittest.mock import patch

from .common import PDF_BYTES, CaeCommon

# Every calendar test runs "on" this day, so that dates are known in advance.
TODAY = date(2027, 3, 10)


class CaeCalendarCommon(CaeCommon):
    # The clock itself is moved (no context key: the module reads none). Noon in
    # Paris, far from midnight in any time zone of the tests.
    freeze_time = "2027-03-10 11:00:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["cae.deadline.rule"]
        cls.Deadline = cls.env["cae.deadline"]
        cls.rule_monthly = cls.create_rule(
            {
                "name": "Test expense report",
                "category": "expenses",
                "recurrence": "monthly",
                "day": 5,
                "months_after": 1,
                "reminder_days": 5,
                "closing_event": "expense_report_submitted",
                "activity_domain": "[('stage', 'in', ['cape', 'salaried'])]",
                "explanation": "<p>Send the expense report with its receipts.</p>",
            }
        )
        cls.rule_staff = cls.create_rule(
            {
                "name": "Test staff check",
                "category": "accompaniment",
                "actor": "staff",
                "recurrence": "quarterly",
                "day": 10,
                "months_after": 0,
            }
        )
        cls.rule_insurance = cls.create_rule(
            {
                "name": "Test insurance renewal",
                "category": "documents",
                "recurrence": "document_expiry",
                "document_type_id": cls.type_insurance.id,
                "offset_days": -30,
                "closing_event": "document_uploaded",
            }
        )
        cls.rule_interview = cls.create_rule(
            {
                "name": "Test interview",
                "category": "accompaniment",
                "actor": "staff",
                "recurrence": "interview",
                "months_after": 6,
                "closing_event": "interview_done",
                "activity_domain": "[('stage', '!=', 'candidate')]",
            }
        )
        cls.test_rules = (
            cls.rule_monthly | cls.rule_staff | cls.rule_insurance | cls.rule_interview
        )

    @classmethod
    def create_rule(cls, vals):
        """A rule whose deadlines the test generates itself, on the day it says
        (a rule made by a user generates its deadlines at once)."""
        Rule = cls.env["cae.deadline.rule"]
        with patch.object(type(Rule), "_generate_deadlines", lambda *a, **k: None):
            return Rule.create(vals)

    def generate(self, rules=None, activities=None, today=None):
        return self.Deadline._generate(
            rules=self.test_rules if rules is None else rules,
            activities=activities,
            today=today,
        )

    @classmethod
    def deadlines(cls, rule, activity=None, **filters):
        domain = [("rule_id", "=", rule.id)]
        if activity is not None:
            domain.append(("activity_id", "=", activity.id))
        domain += [(key, "=", value) for key, value in filters.items()]
        return cls.Deadline.search(domain)

    @classmethod
    def add_document(cls, activity, date_until, doc_type=None):
        return cls.env["cae.activity.document"].create(
            {
                "activity_id": activity.id,
                "type_id": (doc_type or cls.type_insurance).id,
                "date_from": date(date_until.year - 1, date_until.month, 1),
                "date_until": date_until,
                "file": base64.b64encode(PDF_BYTES),
                "file_name": "certificate.pdf",
            }
        )
