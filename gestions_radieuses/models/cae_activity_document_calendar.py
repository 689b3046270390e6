from odoo import api, models

# Document fields that decide which renewal deadline is due.
DEADLINE_FIELDS = {"file", "date_until", "type_id", "activity_id"}


class CaeActivityDocument(models.Model):
    """A valid document closes the deadline waiting for it; its expiry sets the next."""

    _inherit = "cae.activity.document"

    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        documents._cae_sync_deadlines()
        return documents

    def write(self, vals):
        activities = self.activity_id
        result = super().write(vals)
        if DEADLINE_FIELDS & set(vals):
            self._cae_sync_deadlines(activities)
        return result

    def unlink(self):
        activities = self.activity_id
        result = super().unlink()
        self.env["cae.deadline"]._generate(
            rules=self._cae_document_rules(), activities=activities
        )
        return result

    def _cae_document_rules(self):
        return (
            self.env["cae.deadline.rule"]
            .sudo()
            .search(
                [
                    "|",
                    ("recurrence", "=", "document_expiry"),
                    ("closing_event", "=", "document_uploaded"),
                ]
            )
        )

    def _cae_sync_deadlines(self, activities=None):
        Deadline = self.env["cae.deadline"]
        Deadline._close_by_documents(self)
        Deadline._generate(
            rules=self._cae_document_rules(),
            activities=(activities or self.env["cae.activity"]) | self.activity_id,
        )
