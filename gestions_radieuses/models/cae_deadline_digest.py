"""The deadline digests: one e-mail per person instead of one per deadline."""

import logging
from collections import defaultdict
from datetime import timedelta

from babel.dates import format_date

from odoo import Command, api, models

_logger = logging.getLogger(__name__)

# Days between two digests, per frequency.
DIGEST_DAYS = {"daily": 1, "weekly": 7}


class CaeDeadline(models.Model):
    """Entrepreneurs get what is late or coming up; advisors their entrepreneurs'
    late deadlines (the daily cron)."""

    # One concern per file, as account splits its models.
    _inherit = "cae.deadline"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_send_digests(self, today=None):
        today = today or self._today()
        mails = self._prepare_entrepreneur_digests(today)
        mails += self._prepare_advisor_digests(today)
        self.env["mail.mail"].sudo().create(mails)
        _logger.info("CAE deadline digests queued: %s", len(mails))

    @api.model
    def _digest_due(self, last_sent, days, today):
        return not last_sent or last_sent <= today - timedelta(days=days)

    @api.model
    def _digest_mail_values(self, partner, subject, template, values):
        env = self.with_context(lang=partner.lang or "en_US").env
        body = env["ir.qweb"]._render(template, values, minimal_qcontext=True)
        company = values["company"]
        return {
            "subject": subject,
            "body_html": body,
            "email_from": company.email_formatted or self.env.user.email_formatted,
            "recipient_ids": [Command.link(partner.id)],
            "auto_delete": True,
        }

    @api.model
    def _prepare_entrepreneur_digests(self, today):
        Deadline = self.sudo()
        # The widest window: what a weekly digest may hold.
        deadlines = Deadline.search(
            [
                ("state", "=", "todo"),
                ("activity_id.active", "=", True),
                ("reminder_date", "<", today + timedelta(days=DIGEST_DAYS["weekly"])),
            ]
        )
        ids_by_partner = defaultdict(list)
        for deadline in deadlines:
            for partner in deadline.activity_id.member_partner_ids:
                ids_by_partner[partner].append(deadline.id)
        mails = []
        sent = self.env["res.partner"]
        for partner, deadline_ids in ids_by_partner.items():
            frequency = partner.cae_digest_frequency or "weekly"
            if (
                frequency == "never"
                or not partner.email
                or not self._digest_due(
                    partner.sudo().cae_digest_last_sent, DIGEST_DAYS[frequency], today
                )
            ):
                continue
            next_digest = today + timedelta(days=DIGEST_DAYS[frequency])
            lang = partner.lang or "en_US"
            mine = Deadline.browse(deadline_ids).with_context(lang=lang)
            late = mine.filtered(lambda d: d.due_date < today)
            soon = mine.filtered(
                lambda d, nd=next_digest: (
                    d.due_date >= today
                    and (d.due_date < nd or d.reminder_date <= today)
                )
            )
            if not late and not soon:
                continue
            env = self.with_context(lang=lang).env
            company = mine.company_id[:1]
            mails.append(
                self._digest_mail_values(
                    partner,
                    env._(
                        "Your deadlines: %(late)s late, %(soon)s coming up",
                        late=len(late),
                        soon=len(soon),
                    ),
                    "gestions_radieuses.cae_deadline_digest_mail",
                    {
                        "partner": partner,
                        "late": late,
                        "soon": soon,
                        "company": company,
                        "calendar_url": f"{partner.get_base_url()}/my/calendar",
                        "format_date": lambda day, lang=lang: format_date(
                            day, "EEEE d MMMM", locale=lang
                        ),
                    },
                )
            )
            sent |= partner
        sent.sudo().write({"cae_digest_last_sent": today})
        return mails

    @api.model
    def _prepare_advisor_digests(self, today):
        Deadline = self.sudo()
        late = Deadline.search(
            [
                ("state", "=", "todo"),
                ("due_date", "<", today),
                ("activity_id.active", "=", True),
                ("advisor_id", "!=", False),
            ]
        )
        mails = []
        sent = self.env["res.partner"]
        for advisor, advisor_deadlines in late.grouped("advisor_id").items():
            partner = advisor.partner_id
            if (
                advisor.share
                or not partner.email
                or not self._digest_due(
                    partner.sudo().cae_staff_digest_last_sent,
                    DIGEST_DAYS["weekly"],
                    today,
                )
            ):
                continue
            lang = partner.lang or "en_US"
            env = self.with_context(lang=lang).env
            deadlines = advisor_deadlines.with_context(lang=lang)
            mails.append(
                self._digest_mail_values(
                    partner,
                    env._(
                        "Your entrepreneurs' late deadlines: %(count)s",
                        count=len(deadlines),
                    ),
                    "gestions_radieuses.cae_deadline_advisor_digest_mail",
                    {
                        "partner": partner,
                        "by_entrepreneur": deadlines.grouped("entrepreneur_id"),
                        "company": deadlines.company_id[:1],
                        "backend_url": f"{partner.get_base_url()}/odoo/action-"
                        "gestions_radieuses.cae_deadline_action_needs_me",
                        "format_date": lambda day, lang=lang: format_date(
                            day, "d MMMM", locale=lang
                        ),
                    },
                )
            )
            sent |= partner
        sent.sudo().write({"cae_staff_digest_last_sent": today})
        return mails
