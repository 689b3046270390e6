"""Every portal page of the module, read in French: no text of the module left in
English, no "(s)" plural, French formats (issue 9, findings 7)."""

import base64
import re
from datetime import date, timedelta
from pathlib import Path

import polib
from lxml import html as lxml_html

from odoo.tests import BaseCase, HttpCase, tagged
from odoo.tools import mute_logger

from ..tools.formats import format_day, format_number, is_singular, month_of, plural
from .common import PDF_BYTES, PNG_BYTES
from .expense_common import CaeExpenseCommon, CaeExpenseHttpMixin

FR_PO = Path(__file__).parent.parent / "i18n" / "fr.po"
# What is read out of a page: its text and the attributes a person reads.
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Inline markup, placeholders and QWeb in a msgid split it into fragments.
SPLIT = re.compile(r"<[^>]*>|%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}|\n")
# A plural written as "(s)": "1 dépense(s)".
PARENTHESIS_PLURAL = re.compile(r"\w\((?:s|es|x)\)")
# A fragment must be at least this long (and two words) to be searched in a page:
# shorter ones ("Date", "Total") are the same word in French or part of a name.
MIN_FRAGMENT = 10


def _normalise(text):
    return " ".join(text.split())


def english_needles(po_path=FR_PO):
    """(whole-text msgids, fragments) of the module's translated strings whose
    French differs: a page showing one of them shows the module in English.

    Fragments: the parts of a msgid between markup and placeholders, of two
    words and ten characters at least, not also in the French (a name such as
    "Google Calendar"). Whole texts: single-word msgids ("Remove", "Late"),
    found only as the whole text of an element, never inside a sentence."""
    whole, fragments = set(), set()
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or not entry.msgstr or "fuzzy" in entry.flags:
            continue
        if _normalise(entry.msgid) == _normalise(entry.msgstr):
            continue
        msgstr = _normalise(entry.msgstr)
        parts = [_normalise(p).strip(" .,:;·—-()") for p in SPLIT.split(entry.msgid)]
        for part in parts:
            if not part or part in msgstr:
                continue
            if " " in part and len(part) >= MIN_FRAGMENT:
                fragments.add(part)
            elif len(parts) == 1 and part[:1].isupper() and len(part) > 3:
                whole.add(part)
    return whole, fragments


def page_texts(page):
    """The texts a person reads on ``page`` (an HTML string): each element's own
    text, its tail and its read attributes, without scripts and styles."""
    tree = lxml_html.fromstring(page)
    for node in tree.xpath("//script|//style|//noscript|//template|//head"):
        node.drop_tree()
    texts = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for value in (element.text, element.tail):
            if value and value.strip():
                texts.append(_normalise(value))
        for attribute in READ_ATTRIBUTES:
            if element.get(attribute):
                texts.append(_normalise(element.get(attribute)))
    return texts


def english_left(page, needles):
    """What ``page`` still shows in English, and its "(s)" plurals."""
    whole, fragments = needles
    texts = page_texts(page)
    full = " ".join(texts)
    found = sorted(
        {text for text in texts if text.strip(" .:") in whole}
        | {fragment for fragment in fragments if fragment in full}
    )
    found += [f"plural: {m.group(0)}" for m in PARENTHESIS_PLURAL.finditer(full)]
    return found


class TestEnglishDetector(BaseCase):
    """The page check can fail: planted English and "(s)" are caught, the French
    of the same strings is not."""

    def test_planted_english_is_found(self):
        needles = english_needles()
        french = (
            "<html><body><h2>Mes activités</h2><button>Retirer</button>"
            "<p>Envoyer le document</p><p>3 dépenses</p></body></html>"
        )
        self.assertEqual(english_left(french, needles), [])
        planted = (
            "<html><body><h2>Mes activités</h2><button>Remove</button>"
            "<p>Send the document</p><p>1 dépense(s)</p>"
            "<script>var x = 'Send the document';</script></body></html>"
        )
        found = english_left(planted, needles)
        self.assertIn("Remove", found)
        self.assertIn("Send the document", found)
        self.assertIn("plural: e(s)", found)
        # In a script: not read by anyone, not reported twice.
        self.assertEqual(found.count("Send the document"), 1)


@tagged("post_install", "-at_install")
class TestPortalFrench(CaeExpenseCommon, CaeExpenseHttpMixin, HttpCase):
    """An entrepreneur with data on every page walks them all in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["gestions_radieuses"], ["fr_FR"], overwrite=True
        )
        cls.entrepreneur_a.lang = "fr_FR"
        cls.partner_a.lang = "fr_FR"
        # Data in French, as people type it (a user called "Advisor" would
        # read as the module's English).
        cls.advisor.partner_id.name = "Karim Benali"
        cls.activity_a.name = "Atelier des Lilas"
        cls.activity_a.sector = "couture"
        today = cls.today
        Document = cls.env["cae.activity.document"]
        for date_until in (today + timedelta(days=200), today + timedelta(days=565)):
            Document.create(
                {
                    "activity_id": cls.activity_a.id,
                    "type_id": cls.type_insurance.id,
                    "date_until": date_until,
                    "file": base64.b64encode(PDF_BYTES),
                    "file_name": "attestation.pdf",
                }
            )
        cls._accompaniment(
            cls.activity_a,
            summary="Point sur le démarrage",
            next_step="Envoyer le devis",
            next_step_date=today + timedelta(days=20),
        )
        cls.env["cae.deadline"]._generate(today=today)
        cls.line = cls._line(name="Ramettes de papier", amount_total=12.5)
        cls._line(
            category_id=cls.cat_mileage.id,
            name="Salon à Vienne",
            distance_km=87.5,
            trip_from="Lyon",
            trip_to="Vienne",
        )
        cls.report = cls.line.report_id

    def _pages(self):
        activity = self.activity_a
        return [
            ("/my", 200),
            ("/my/activities", 200),
            (f"/my/activities/{activity.id}", 200),
            ("/my/calendar", 200),
            ("/my/calendar?saved=digest", 200),
            ("/my/expenses", 200),
            (f"/my/expenses/{self.report.id}", 200),
            (f"/my/expenses/new?activity_id={activity.id}", 200),
            (f"/my/expenses/new?mileage=1&activity_id={activity.id}", 200),
        ]

    def _check(self, url, response, status):
        self.assertEqual(response.status_code, status, url)
        self.assertIn('lang="fr-FR"', response.text, url)
        self.assertEqual(english_left(response.text, self.needles), [], url)

    def test_every_page_in_french(self):
        self.needles = english_needles()
        self._login(self.entrepreneur_a)
        for url, status in self._pages():
            with self.subTest(url=url):
                self._check(url, self.url_open(url), status)
        # The pages of a refused form: the document without its end date, an
        # expense without an amount.
        with self.subTest(url="document refused"):
            response = self._post(
                f"/my/activities/{self.activity_a.id}/documents",
                {"type_id": self.type_insurance.id},
                files={"file": ("attestation.pdf", PDF_BYTES, "application/pdf")},
            )
            self._check("document refused", response, 400)
        with self.subTest(url="expense refused"):
            response = self._new_expense(
                amount_total="",
                files={"receipts": ("ticket.png", PNG_BYTES, "image/png")},
            )
            self._check("expense refused", response, 400)
        with self.subTest(url="not found"), mute_logger("odoo.http"):
            response = self.url_open("/my/expenses/999999999")
            self.assertEqual(response.status_code, 404)
            self.assertEqual(english_left(response.text, self.needles), [])

    def test_french_formats(self):
        self._login(self.entrepreneur_a)
        page = self.url_open(f"/my/expenses/{self.report.id}").text
        self.assertIn("87,5 km", page)
        self.assertNotIn("87.5 km", page)
        self.assertIn("12,50", page)

    def test_model_names_in_french(self):
        """The chatter's "<model> created" says the model's French name."""
        Model = self.env["ir.model"].with_context(lang="fr_FR")
        self.assertEqual(Model._get("cae.expense.report").name, "Note de dépenses")
        report = self.report.with_context(lang="fr_FR")
        self.assertIn("Note de dépenses", str(report._creation_message()))


class TestFormats(CaeExpenseCommon):
    """tools/formats.py: the user's formats through Odoo's own."""

    def test_numbers_days_plurals(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        en = self.env(context=dict(self.env.context, lang="en_US"))
        self.assertEqual(format_number(fr, 87.5), "87,5")
        self.assertEqual(format_number(fr, 120.0), "120")
        self.assertEqual(re.sub(r"\s", " ", format_number(fr, 1234.25)), "1 234,25")
        self.assertEqual(format_number(en, 87.5), "87.5")
        today = self.today.replace(month=6, day=15)
        self.assertEqual(
            format_day(fr, today.replace(month=9, day=17), today), "17 septembre"
        )
        last_year = today.replace(year=today.year - 1, month=4, day=22)
        self.assertEqual(format_day(fr, last_year, today), f"22 avril {last_year.year}")
        self.assertTrue(is_singular(fr, 0))
        self.assertTrue(is_singular(fr, 1))
        self.assertFalse(is_singular(fr, 2))
        self.assertFalse(is_singular(en, 0))
        self.assertEqual(plural(fr, 1, "one", "other"), "one")
        self.assertEqual(plural(fr, 3, "one", "other"), "other")

    def test_month_after_de(self):
        """Outside test: "Votre note de octobre" — French elides "de" before a
        vowel; the month carries it, the sentence does not."""
        self.env["res.lang"]._activate_lang("fr_FR")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        en = self.env(context=dict(self.env.context, lang="en_US"))
        october, november = date(2026, 10, 1), date(2026, 11, 1)
        self.assertEqual(month_of(fr, october), "d'octobre 2026")
        self.assertEqual(month_of(fr, date(2026, 4, 1), with_year=False), "d'avril")
        self.assertEqual(month_of(fr, date(2026, 8, 1), with_year=False), "d'août")
        self.assertEqual(month_of(fr, november), "de novembre 2026")
        self.assertEqual(month_of(en, october), "October 2026")
        # The refusal's subject, in French, as the entrepreneur reads it: the
        # last October (within the year a line may be dated in).
        today = self.today
        last_october = date(today.year if today.month >= 10 else today.year - 1, 10, 1)
        report = self._line(amount_total=10.0, date=last_october).report_id
        self.partner_a.lang = "fr_FR"
        self.env["ir.module.module"]._load_module_terms(
            ["gestions_radieuses"], ["fr_FR"], overwrite=True
        )
        report.action_submit()
        report.with_user(self.accountant)._do_refuse("Il manque le ticket.")
        subjects = report.message_ids.mapped("subject")
        self.assertIn("Votre note d'octobre est à corriger", subjects)


@tagged("post_install", "-at_install")
class TestPortalTapTargets(CaeExpenseCommon, HttpCase):
    """At phone size, the module's targets are at least 44×44 px (the tour
    measures them)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_tap_targets(self):
        self.env["cae.activity.document"].create(
            {
                "activity_id": self.activity_a.id,
                "type_id": self.type_insurance.id,
                "date_until": self.today + timedelta(days=200),
                "file": base64.b64encode(PDF_BYTES),
                "file_name": "attestation.pdf",
            }
        )
        self.env["cae.deadline"]._generate(today=self.today)
        self._line(name="Ramettes de papier", amount_total=12.5)
        self.start_tour(
            "/my/activities", "cae_tap_targets_tour", login="cae_entrepreneur_a"
        )
