from odoo import api, models


class CaeDeadlineSource(models.AbstractModel):
    """A record the calendar's deadlines follow: an activity, a document, an
    interview, an expense report.

    Each model inheriting this mixin declares, in its own file, which of its fields
    move deadlines, which rules' deadlines it decides and which closing event it
    raises; the mixin owns the create/write/unlink shape once: when a declared field
    changes, the deadlines these records satisfy are closed, then the deadlines of
    the rules they decide are brought up to date for the activities concerned
    (before and after the change).
    """

    _name = "cae.deadline.source"
    _description = "Calendar deadline source"

    # Fields whose change may create, move, cancel or close deadlines. Empty: the
    # records only close deadlines, from an action method (_cae_close_deadlines).
    _cae_deadline_fields = frozenset()
    # The closing event (cae.deadline.rule.closing_event) these records raise.
    _cae_closing_event = None
    # The recurrence (cae.deadline.rule.recurrence) dated from these records: the
    # deadlines of its rules, and of the rules these records close, follow them.
    _cae_deadline_recurrence = None

    # ------------------------------------------------------------------
    # What each model declares
    # ------------------------------------------------------------------
    def _cae_deadline_activities(self):
        """The activities whose deadlines these records decide."""
        return self.activity_id

    def _cae_deadline_rules(self):
        """The active rules whose deadlines these records decide (None: none)."""
        if not self._cae_deadline_recurrence:
            return None
        return (
            self.env["cae.deadline.rule"]
            .sudo()
            .search(
                [
                    "|",
                    ("recurrence", "=", self._cae_deadline_recurrence),
                    ("closing_event", "=", self._cae_closing_event),
                ]
            )
        )

    def _cae_closing_days(self):
        """{day: activities} of the records that raise the closing event: the
        deadlines of these activities whose period contains the day are done."""
        return {}

    # ------------------------------------------------------------------
    # What the mixin does with it
    # ------------------------------------------------------------------
    def _cae_close_deadlines(self):
        """Mark done the deadlines waiting for the event these records raise."""
        Deadline = self.env["cae.deadline"]
        for day, activities in self._cae_closing_days().items():
            Deadline._close_by_event(self._cae_closing_event, activities, day)

    def _cae_sync_deadlines(self, activities):
        """Close what these records satisfy, then bring the deadlines of the rules
        they decide up to date for ``activities``."""
        self._cae_close_deadlines()
        if not activities:
            return
        rules = self._cae_deadline_rules()
        if rules is not None:
            self.env["cae.deadline"]._generate(rules=rules, activities=activities)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if self._cae_deadline_fields:
            records._cae_sync_deadlines(records._cae_deadline_activities())
        return records

    def write(self, vals):
        if not self._cae_deadline_fields & set(vals):
            return super().write(vals)
        # The activities before the change lose what the records no longer decide.
        activities = self._cae_deadline_activities()
        result = super().write(vals)
        self._cae_sync_deadlines(activities | self._cae_deadline_activities())
        return result

    def unlink(self):
        if not self._cae_deadline_fields:
            return super().unlink()
        activities = self._cae_deadline_activities()
        result = super().unlink()
        self.browse()._cae_sync_deadlines(activities.exists())
        return result
