"""The deadline digests: one e-mail per person instead of one per deadline."""

import logging
from collections import defaultdict
from datetime import timedelta

from babel.dates import format_date

from odoo import Command, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Days between two digests, per frequency.
DIGEST_DAYS = {"daily": 1, "weekly": 7}
# Recipients per run of the cron's server action (ir.cron commits after each).
DIGEST_BATCH = 200


class CaeDeadlineDigestSent(models.Model):
    """One row per digest queued: who, which digest, which day. Written in the
    transaction that queues the mail, against a unique index: a batch retried
    after a crash, or a second run at the same moment, cannot queue it twice."""

    _name = "cae.deadline.digest.sent"
    _description = "Deadline digest sent"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Selection(
        [("entrepreneur", "Entrepreneur"), ("staff", "Support team")], required=True
    )
    period = fields.Date(
        required=True,
        help="The day of the digest; its frequency spaces the days "
        "(res.partner's last-sent dates).",
    )

    _sql_constraints = [
        (
            "partner_kind_period_uniq",
            "UNIQUE(partner_id, kind, period)",
            "A digest is sent once per person and period.",
        )
    ]

    @api.model
    def _claim(self, kind, period, partner_ids):
        """Record these digests as sent; return the partner ids that were not
        already (only those get a mail)."""
        if not partner_ids:
            return set()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO cae_deadline_digest_sent (partner_id, kind, period)
                SELECT unnest(%s::int4[]), %s, %s
                ON CONFLICT (partner_id, kind, period) DO NOTHING
                RETURNING partner_id
                """,
                list(partner_ids),
                kind,
                period,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}


class CaeDeadline(models.Model):
    """Entrepreneurs get what is late or coming up; advisors their entrepreneurs'
    late deadlines (the daily cron)."""

    # One concern per file, as account splits its models.
    _inherit = "cae.deadline"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_send_digests(self, today=None, batch_size=DIGEST_BATCH):
        """Queue the digests of the next ``batch_size`` recipients due today
        (entrepreneurs, then the support team, by partner id).

        One call is one batch: ir.cron commits after it and calls again while
        ``_notify_progress`` reports remaining recipients. A recipient queued
        leaves the list (their last-sent date is today's), in the same
        transaction as the mail and its ``cae.deadline.digest.sent`` row: a batch
        killed before its commit leaves nothing and is done again; a batch retried
        after its commit, or run twice at once, queues no mail twice.
        """
        today = today or self._today()
        # Expense news up to now goes in these digests (read below, before now).
        news_until = fields.Datetime.now()
        todo = [
            ("entrepreneur", partner, values)
            for partner, values in self._entrepreneur_digests(today)
        ] + [
            ("staff", partner, values)
            for partner, values in self._advisor_digests(today)
        ]
        batch = todo[:batch_size]
        Sent = self.env["cae.deadline.digest.sent"].sudo()
        mails = []
        for kind, field in (
            ("entrepreneur", "cae_digest_last_sent"),
            ("staff", "cae_staff_digest_last_sent"),
        ):
            mine = [(partner, values) for k, partner, values in batch if k == kind]
            claimed = Sent._claim(kind, today, [partner.id for partner, _v in mine])
            sent = self.env["res.partner"]
            for partner, values in mine:
                if partner.id in claimed:
                    mails.append(self._digest_mail_values(partner, *values))
                sent |= partner
            sent.sudo().write({field: today})
            if kind == "entrepreneur":
                sent.sudo().write({"cae_expense_news_sent_at": news_until})
        self.env["mail.mail"].sudo().create(mails)
        remaining = len(todo) - len(batch)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        _logger.info(
            "CAE deadline digests queued: %s (%s recipients left)",
            len(mails),
            remaining,
        )

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
    def _entrepreneur_digests(self, today):
        """[(partner, (subject, template, values))] of the entrepreneurs whose
        digest is due today and not empty, by partner id."""
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
        news_by_partner = self._expense_news(today)
        for partner in news_by_partner:
            ids_by_partner.setdefault(partner, [])
        mails = []
        for partner, deadline_ids in sorted(
            ids_by_partner.items(), key=lambda item: item[0].id
        ):
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
            since = partner.sudo().cae_expense_news_sent_at
            news = news_by_partner.get(partner, self.env["cae.expense.report"])
            news = news.filtered(
                lambda r, since=since: not since or r.news_date > since
            ).with_context(lang=lang)
            if not late and not soon and not news:
                continue
            env = self.with_context(lang=lang).env
            company = mine.company_id[:1] or news.company_id[:1]
            mails.append(
                (
                    partner,
                    (
                        env._(
                            "Your deadlines: %(late)s late, %(soon)s coming up",
                            late=len(late),
                            soon=len(soon),
                        )
                        if late or soon
                        else env._("News of your expense reports"),
                        "gestions_radieuses.cae_deadline_digest_mail",
                        {
                            "partner": partner,
                            "late": late,
                            "soon": soon,
                            "expense_news": news,
                            "company": company,
                            "calendar_url": f"{partner.get_base_url()}/my/calendar",
                            "expenses_url": f"{partner.get_base_url()}/my/expenses",
                            "format_date": lambda day, lang=lang: format_date(
                                day, "EEEE d MMMM", locale=lang
                            ),
                        },
                    ),
                )
            )
        return mails

    @api.model
    def _expense_news(self, today):
        """{partner: reports} approved or paid in the last weeks whose news may
        not be told yet (each partner's own moment filters them)."""
        reports = (
            self.env["cae.expense.report"]
            .sudo()
            .search(
                [
                    ("news_date", ">=", today - timedelta(days=31)),
                    ("state", "in", ("approved", "partial", "paid")),
                    ("activity_id.active", "=", True),
                ]
            )
        )
        by_partner = {}
        for report in reports:
            for partner in report.activity_id.member_partner_ids:
                by_partner[partner] = by_partner.get(partner, reports.browse()) | report
        return by_partner

    @api.model
    def _advisor_digests(self, today):
        """Same as _entrepreneur_digests for the support team."""
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
        for advisor, advisor_deadlines in sorted(
            late.grouped("advisor_id").items(), key=lambda item: item[0].partner_id.id
        ):
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
                (
                    partner,
                    (
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
                    ),
                )
            )
        return mails
