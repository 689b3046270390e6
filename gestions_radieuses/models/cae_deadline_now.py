"""The managers' "now" buttons: the nightly generation and the digests, on demand.

A button does not run the work in the request: it triggers the cron itself
(``ir.cron._trigger``), which runs the same code in bounded, committed batches
with its bookmark and its lock. A network of thousands of entrepreneurs would
otherwise hold a web worker for minutes and hit its time limit halfway; a button
pressed twice, or while the night's run is under way, adds no second run (ir.cron
locks the job) and no mail twice (the digests claim each recipient's day).
"""

from odoo import models
from odoo.exceptions import AccessError


class CaeDeadline(models.Model):
    # One concern per file, as account splits its models.
    _inherit = "cae.deadline"  # pylint: disable=consider-merging-classes-inherited

    def _cae_trigger_cron(self, xmlid, message):
        if not self.env.user.has_group("gestions_radieuses.group_manager"):
            raise AccessError(
                self.env._("Only the CAE's managers can start this right away.")
            )
        self.env.ref(xmlid).sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message, "sticky": False},
        }

    def action_cae_generate_now(self):
        """Button (managers): prepare the calendar's deadlines now, as at night."""
        return self._cae_trigger_cron(
            "gestions_radieuses.ir_cron_cae_deadline_generate",
            self.env._("Started: the deadlines will be up to date in a few minutes."),
        )

    def action_cae_send_digests_now(self):
        """Button (managers): send today's digests now instead of at dawn. Those
        already sent today are not sent again."""
        return self._cae_trigger_cron(
            "gestions_radieuses.ir_cron_cae_deadline_digest",
            self.env._(
                "Started: the digests due today leave in a few minutes "
                "(those already sent today are not sent again)."
            ),
        )
