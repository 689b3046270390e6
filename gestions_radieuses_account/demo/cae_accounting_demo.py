"""The demo CAE's books: the French chart, the posting configuration, and for each
demo activity a year or two of customer invoices (most paid, some partly, some late)
and a few vendor bills, all carrying the activity's analytic account.

Dates count back from the CAE's today when the demo is installed, and every choice
comes from a random generator seeded with the activity's name: the same database
every time, that never starts out dated. Called from demo/cae_accounting_demo.xml
(the way account/demo/account_demo.py builds Accounting's own demo).
"""

import logging
import random

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.gestions_radieuses.models.cae_expense_report import PAYABLE_STATES

_logger = logging.getLogger(__name__)

# Per demo activity: the customers, the services sold (label, lowest and highest
# price excluding VAT), invoices a month, and its own charges (supplier, label,
# expense account code, amount excluding VAT, every how many months).
# Amélie is a candidate: no contract yet, so no invoice (her page is the empty one).
DEMO_ACTIVITIES = {
    "gestions_radieuses.activity_bastien_demo": {
        "customers": ["Boulangerie Martin", "Cabinet Dupuis Avocats", "Mairie de Bron"],
        "services": [
            ("Développement du site vitrine", 900, 2400),
            ("Maintenance informatique, forfait mensuel", 180, 260),
            ("Formation bureautique (une journée)", 350, 350),
        ],
        "per_month": 3,
        "charges": [
            (
                "Fournitures Bureau Pro",
                "Fournitures et petit matériel",
                "606400",
                85,
                2,
            ),
            ("Orange Business", "Abonnement téléphone et internet", "626000", 45, 3),
        ],
    },
    "gestions_radieuses.activity_chloe_demo": {
        "customers": [
            "Agence Lumière",
            "Famille Bertrand",
            "Boutique Les Jolies Choses",
        ],
        "services": [
            ("Reportage photo de mariage", 1200, 1900),
            ("Shooting produits pour boutique en ligne", 450, 800),
            ("Retouche et tirages d'art", 120, 300),
        ],
        "per_month": 3,
        "charges": [
            ("Location Studio Part-Dieu", "Location de studio photo", "613500", 220, 2),
            (
                "Fournitures Bureau Pro",
                "Papier et encres d'impression",
                "606400",
                140,
                3,
            ),
        ],
    },
    "gestions_radieuses.activity_david_demo": {
        "customers": [
            "Lyon Métropole Habitat",
            "Est Métropole Habitat",
            "Mairie de Villeurbanne",
        ],
        "services": [
            ("Entretien des jardins partagés", 650, 1100),
            ("Aménagement d'un potager collectif", 1500, 3200),
            ("Atelier jardinage pédagogique", 280, 420),
        ],
        "per_month": 3,
        "charges": [
            ("Jardinerie du Rhône", "Semences, plants et terreau", "606300", 260, 2),
            ("Kiloutou Lyon", "Location de motoculteur", "613500", 180, 3),
        ],
    },
    "gestions_radieuses.activity_farid_demo": {
        "customers": [
            "Technitrad SA",
            "Rhône Ingénierie",
            "Laboratoires Vernier",
        ],
        "services": [
            ("Traduction technique anglais-français", 600, 1800),
            ("Relecture de documentation technique", 240, 520),
            ("Interprétariat de liaison (une demi-journée)", 380, 380),
        ],
        "per_month": 3,
        "charges": [
            (
                "Éditions Linguistiques",
                "Dictionnaires et glossaires spécialisés",
                "618100",
                95,
                4,
            ),
            ("Orange Business", "Abonnement téléphone et internet", "626000", 45, 3),
        ],
    },
    "gestions_radieuses.activity_gaelle_demo": {
        "customers": [
            "CCI Lyon Métropole",
            "Association Envol",
            "Groupe Alpha Formation",
        ],
        "services": [
            ("Formation « Prendre la parole en public » (une journée)", 950, 1300),
            ("Atelier gestion du temps", 420, 650),
            ("Accompagnement individuel (trois séances)", 360, 540),
        ],
        "per_month": 2,
        "charges": [
            (
                "Espace Coworking La Cordée",
                "Location de salle de formation",
                "613500",
                240,
                2,
            ),
            (
                "Imprimerie des Pentes",
                "Supports de formation imprimés",
                "623600",
                110,
                3,
            ),
        ],
    },
    "gestions_radieuses.activity_hugo_demo": {
        "customers": [
            "M. et Mme Perrin",
            "Restaurant Le Bouchon des Halles",
            "SCI Les Tilleuls",
        ],
        "services": [
            ("Agencement sur mesure", 1400, 3500),
            ("Pose de parquet", 700, 1600),
            ("Réparation de menuiseries", 180, 450),
        ],
        "per_month": 2,
        "charges": [
            ("Bois et Matériaux Lyonnais", "Bois et quincaillerie", "606800", 380, 2),
        ],
    },
}
# Established activities (salaried, associate, left) show two years, so that this
# year can be set against the same months of last year; a CAPE since its start.
MONTHS_ESTABLISHED = 24
INCOME_ACCOUNT = "706000"


# The demo's books are built apart from the product's res.company (kept out of
# models/ so that no demo code reads as configuration).
class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cae_demo_accounting(self):
        """The demo CAE's accounting, from demo/cae_accounting_demo.xml. Idempotent:
        an activity that already has invoices gets none."""
        company = self.env.ref("base.main_company")
        if not company.chart_template:
            # Installed with its chart in one go: Accounting loads the chart once
            # every module is loaded (ir.module.module._register_hook); so do we.
            self.env.registry._cae_demo_accounting_pending = True
            _logger.info("Demo accounting: waiting for the chart of accounts")
            return
        self.with_company(company).with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            mail_create_nosubscribe=True,
        )._cae_demo_books(company)

    @api.model
    def _cae_demo_books(self, company):
        if not self._cae_demo_account(company, INCOME_ACCOUNT):
            _logger.warning(
                "Demo accounting skipped: the demo company's chart of accounts is "
                "%s, not the French one (no %s)",
                company.chart_template,
                INCOME_ACCOUNT,
            )
            return
        # The posting configuration, as any company with a chart gets it.
        company._cae_setup_accounting()
        self._cae_demo_post_expense_reports(company)
        invoiced = self._cae_demo_invoiced_analytic_accounts(company)
        invoices_vals, bills_vals = [], []
        for xmlid, profile in DEMO_ACTIVITIES.items():
            activity = self.env.ref(xmlid).with_env(self.env)
            account = activity.analytic_account_id
            if account and account not in invoiced:
                invoices, bills = self._cae_demo_activity_moves(
                    company, activity, profile
                )
                invoices_vals += invoices
                bills_vals += bills
        # All posted together in date order: the numbers follow the dates.
        Move = self.env["account.move"]
        invoices = Move.create([vals for vals, _paid in invoices_vals])
        bills = Move.create([vals for vals, _paid in bills_vals])
        (invoices | bills).sorted(lambda m: (m.invoice_date, m.id)).action_post()
        self._cae_demo_payments(
            company,
            [
                (move, paid)
                for move, (_vals, paid) in zip(
                    invoices + bills, invoices_vals + bills_vals, strict=True
                )
                if paid
            ],
        )
        _logger.info(
            "Demo accounting: %s customer invoices, %s vendor bills",
            len(invoices),
            len(bills),
        )

    @api.model
    def _cae_demo_account(self, company, code):
        return self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(company),
                ("code", "=like", f"{code}%"),
                ("deprecated", "=", False),
            ],
            order="code",
            limit=1,
        )

    @api.model
    def _cae_demo_post_expense_reports(self, company):
        """The base demo approves and pays reports before Accounting is there: they
        are posted now and their payments made again through Odoo's payments, so
        that the books, the figures and the reports agree."""
        reports = self.env["cae.expense.report"].search(
            [
                ("company_id", "=", company.id),
                ("state", "in", PAYABLE_STATES),
                ("move_id", "=", False),
            ],
            order="date, id",
        )
        if not reports:
            return
        payments = {
            report: (report.amount_paid, report.payment_date) for report in reports
        }
        reports._cae_post_moves()
        for report, (amount, day) in payments.items():
            if amount:
                report._cae_pay(amount, day, None)

    @api.model
    def _cae_demo_invoiced_analytic_accounts(self, company):
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", company.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("analytic_distribution", "!=", False),
            ]
        )
        ids = {int(key) for line in lines for key in line.analytic_distribution}
        return self.env["account.analytic.account"].browse(ids)

    @api.model
    def _cae_demo_partner(self, name, rank_field):
        partner = self.env["res.partner"].search([("name", "=", name)], limit=1)
        return partner or self.env["res.partner"].create(
            {"name": name, "is_company": True, "lang": "fr_FR", rank_field: 1}
        )

    @api.model
    def _cae_demo_line(self, label, price, account, taxes, distribution):
        return fields.Command.create(
            {
                "name": label,
                "quantity": 1,
                "price_unit": price,
                "account_id": account.id,
                "tax_ids": [fields.Command.set(taxes.ids)],
                "analytic_distribution": distribution,
            }
        )

    @api.model
    def _cae_demo_activity_moves(self, company, activity, profile):
        """([(invoice values, paid)], [(bill values, paid)]) of one activity, where
        paid is False or (date, share of the amount)."""
        today = company._cae_today()
        rng = random.Random(activity.name)
        distribution = {str(activity.analytic_account_id.id): 100}
        first, last = self._cae_demo_period(activity, today)
        income = self._cae_demo_account(company, INCOME_ACCOUNT)
        term = self.env.ref(
            "account.account_payment_term_30days", raise_if_not_found=False
        )
        customers = [
            self._cae_demo_partner(name, "customer_rank")
            for name in profile["customers"]
        ]
        invoices, bills = [], []
        month = first.replace(day=1)
        index = 0
        while month <= last:
            month_end = month + relativedelta(months=1, days=-1)
            # The year before the last twelve months: one invoice a month is
            # enough to set this year against, and keeps the install short.
            recent = month > today - relativedelta(months=12)
            for _n in range(profile["per_month"] if recent else 1):
                day = month + relativedelta(days=rng.randrange(0, month_end.day))
                if not first <= day <= last:
                    continue
                label, low, high = profile["services"][index % len(profile["services"])]
                price = round(rng.uniform(low, high) / 10) * 10 if high > low else low
                values = {
                    "move_type": "out_invoice",
                    "partner_id": customers[index % len(customers)].id,
                    "invoice_date": day,
                    "invoice_payment_term_id": term.id if term else False,
                    "invoice_line_ids": [
                        self._cae_demo_line(
                            label,
                            price,
                            income,
                            company.account_sale_tax_id,
                            distribution,
                        )
                    ],
                }
                invoices.append((values, self._cae_demo_paid(rng, day, today)))
                index += 1
            for supplier, label, code, amount, every in profile["charges"]:
                day = month + relativedelta(days=min(4, month_end.day - 1))
                if not recent or month.month % every or not first <= day <= last:
                    continue
                paid_on = day + relativedelta(days=15)
                values = {
                    "move_type": "in_invoice",
                    "partner_id": self._cae_demo_partner(supplier, "supplier_rank").id,
                    "invoice_date": day,
                    "ref": f"{label} {day.strftime('%m/%Y')}",
                    "invoice_line_ids": [
                        self._cae_demo_line(
                            label,
                            amount,
                            self._cae_demo_account(company, code),
                            company.account_purchase_tax_id,
                            distribution,
                        )
                    ],
                }
                bills.append((values, paid_on <= today and (paid_on, 1.0)))
            month += relativedelta(months=1)
        return invoices, bills

    @api.model
    def _cae_demo_period(self, activity, today):
        """From the CAPE's start (or two years back), to the day it left (or today)."""
        first = today.replace(day=1) - relativedelta(months=MONTHS_ESTABLISHED - 1)
        last = today
        if activity.stage == "cape" and activity.stage_date:
            first = max(first, activity.stage_date)
        if activity.stage == "left" and activity.stage_date:
            last = min(last, activity.stage_date)
        return first, last

    @api.model
    def _cae_demo_paid(self, rng, day, today):
        """Paid 10 to 45 days after the invoice; of invoices more than two months
        old, about one in twelve is paid half and one in fifteen not at all (late);
        recent ones are paid half the time."""
        paid_on = day + relativedelta(days=rng.randint(10, 45))
        draw = rng.random()
        if paid_on > today or (day > today - relativedelta(days=60) and draw < 0.5):
            return False
        if draw < 1 / 15:
            return False
        if draw < 1 / 15 + 1 / 12:
            return (paid_on, 0.5)
        return (paid_on, 1.0)

    @api.model
    def _cae_demo_payments(self, company, plan):
        """The bank's side of [(move, (date, share))]: one bank entry per activity,
        month and side (customers, suppliers), a line per invoice or bill it
        settles, each reconciled with it
        (the books of a reconciled bank statement, made in one batch: the
        register-payment wizard, one payment at a time, took a third of the
        install)."""
        bank = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(company),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        groups = {}
        for move, (paid_on, share) in plan:
            activity = tuple(move.invoice_line_ids[:1].analytic_distribution)
            key = (activity, move.is_inbound(), paid_on.replace(day=1))
            groups.setdefault(key, []).append((move, paid_on, share))
        entries_vals, counterparts = [], []
        for (_activity, inbound, _month), items in groups.items():
            lines, terms, total = [], [], 0.0
            label = "Encaissements clients" if inbound else "Règlements fournisseurs"
            for move, _paid_on, share in items:
                term = move.line_ids.filtered(
                    lambda line: (
                        line.account_type in ("asset_receivable", "liability_payable")
                    )
                )[:1]
                amount = move.currency_id.round(term.balance * share)
                total += amount
                lines.append(
                    fields.Command.create(
                        {
                            "name": move.name,
                            "account_id": term.account_id.id,
                            "partner_id": move.commercial_partner_id.id,
                            "balance": -amount,
                        }
                    )
                )
                terms.append(term)
            lines.append(
                fields.Command.create(
                    {
                        "name": label,
                        "account_id": bank.default_account_id.id,
                        "balance": company.currency_id.round(total),
                    }
                )
            )
            entries_vals.append(
                {
                    "move_type": "entry",
                    "journal_id": bank.id,
                    "date": max(paid_on for _move, paid_on, _share in items),
                    "ref": label,
                    "line_ids": lines,
                }
            )
            counterparts.append(terms)
        entries = self.env["account.move"].create(entries_vals)
        entries.action_post()
        plan = []
        for entry, terms in zip(entries, counterparts, strict=True):
            settling = entry.line_ids.filtered(
                lambda line: line.account_id != bank.default_account_id
            ).sorted("id")
            plan += [term | line for term, line in zip(terms, settling, strict=True)]
        self.env["account.move.line"]._reconcile_plan(plan)


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _register_hook(self):
        # Accounting loads a chart chosen at install time here (account's own
        # _register_hook, run by super()); the demo books follow it.
        super()._register_hook()
        if getattr(self.env.registry, "_cae_demo_accounting_pending", False):
            del self.env.registry._cae_demo_accounting_pending
            # Demo data that fails must not stop the server (load_demo's rule).
            try:
                with self.env.cr.savepoint():
                    self.env["res.company"]._cae_demo_accounting()
            except Exception:
                _logger.warning("Demo accounting failed", exc_info=True)
