from odoo import api, models

# Accompaniment fields that decide when the next interview is due.
DEADLINE_FIELDS = {"state", "date", "kind", "activity_id"}


class CaeAccompaniment(models.Model):
    """A done interview closes the deadline waiting for it and sets the next one."""

    _inherit = "cae.accompaniment"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._cae_sync_deadlines()
        return records

    def write(self, vals):
        activities = self.activity_id
        result = super().write(vals)
        if DEADLINE_FIELDS & set(vals):
            self._cae_sync_deadlines(activities)
        return result

    def _cae_sync_deadlines(self, activities=None):
        Deadline = self.env["cae.deadline"]
        done = self.filtered(lambda r: r.kind == "interview" and r.state == "done")
        for day, interviews in done.grouped("date").items():
            Deadline._close_by_event("interview_done", interviews.activity_id, day)
        rules = (
            self.env["cae.deadline.rule"]
            .sudo()
            .search(
                [
                    "|",
                    ("recurrence", "=", "interview"),
                    ("closing_event", "=", "interview_done"),
                ]
            )
        )
        Deadline._generate(
            rules=rules,
            activities=(activities or self.env["cae.activity"]) | self.activity_id,
        )
