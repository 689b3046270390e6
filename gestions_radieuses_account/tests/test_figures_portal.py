"""Who sees an activity's figures, over the pages and over JSON-RPC; the pages
in French; the phone tour of the dashboard."""

from pathlib import Path

from odoo.addons.gestions_radieuses.tests.common import CaeHttpMixin
from odoo.addons.gestions_radieuses.tests.test_portal_french import (
    english_left,
    english_needles,
)
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .figures_common import CaeFiguresCommon

ACCOUNT_FR_PO = Path(__file__).parent.parent / "i18n" / "fr.po"
BASE_FR_PO = (
    Path(__file__).parent.parent.parent / "gestions_radieuses" / "i18n" / "fr.po"
)


class CaeFiguresHttpCommon(CaeFiguresCommon, CaeHttpMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.company._cae_today()
        cls.invoice = cls._invoice(cls.activity_a, today, 1000.0)
        cls._pay(cls.invoice, today, 600.0)
        cls._invoice(cls.activity_b, today, 7000.0)


@tagged("post_install", "-at_install")
class TestFiguresAccess(CaeFiguresHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An advisor who does not follow A's activity.
        cls.advisor_2 = new_test_user(
            cls.env,
            "cae_advisor_2",
            groups="gestions_radieuses.group_advisor",
            password="cae_advisor_2",
        )
        # A co-entrepreneur of A's activity (a collective).
        cls.co_entrepreneur = cls._new_user("co_a", "base.group_portal", "Co A")
        cls.activity_a.co_entrepreneur_ids = cls.co_entrepreneur.partner_id

    def _status(self, user, url):
        self._login(user)
        with mute_logger("odoo.http"):
            return self.url_open(url, allow_redirects=False).status_code

    def test_members_see_their_figures(self):
        for user in (self.entrepreneur_a, self.co_entrepreneur):
            with self.subTest(user=user.login):
                self._login(user)
                page = self.url_open("/my/figures")
                self.assertEqual(page.status_code, 200)
                self.assertIn("o_cae_figures_chart", page.text)
                self.assertIn("Activity A", page.text)
                self.assertNotIn("Activity B", page.text)
                self.assertIn("1,000.00", page.text)
                page = self.url_open(f"/my/figures/{self.activity_a.id}")
                self.assertEqual(page.status_code, 200)
                home = self.url_open("/my")
                self.assertIn('href="/my/figures"', home.text)
                self.assertIn("o_cae_figures_tile", home.text)

    def test_left_and_not_yet_begun(self):
        """Phone outside test (issue 10): who has left (archived activity) was told
        the cooperative had recorded no activity for them; a candidate with nothing
        in the books got a page and a tile of zeros."""
        self.activity_a.sudo().active = False
        self._login(self.entrepreneur_a)
        page = self.url_open("/my/figures")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_cae_figures_chart", page.text)
        self.assertIn("1,000.00", page.text)
        self.assertIn("o_cae_figures_tile", self.url_open("/my").text)
        self.activity_a.sudo().active = True
        candidate = new_test_user(
            self.env, "cae_figures_candidate", groups="base.group_portal"
        )
        activity = self.env["cae.activity"].create(
            {"name": "Not begun", "entrepreneur_id": candidate.partner_id.id}
        )
        self._login(candidate)
        page = self.url_open(f"/my/figures/{activity.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_cae_figures_empty", page.text)
        self.assertNotIn("o_cae_figures_chart", page.text)
        home = self.url_open("/my").text
        self.assertIn("o_cae_figures_tile", home)
        tile = home.split("o_cae_figures_tile")[1][:600]
        self.assertNotIn("Turnover invoiced", tile)
        self.assertNotIn("Available balance", tile)

    def test_nobody_else(self):
        url = f"/my/figures/{self.activity_a.id}"
        self.assertEqual(self._status(self.entrepreneur_b, url), 404)
        self.assertEqual(self._status(self.other_company, url), 404)
        self.assertEqual(self._status(self.internal, url), 404)
        self.assertEqual(self._status(self.advisor_2, url), 403)
        self.assertEqual(self._status(self.entrepreneur_a, "/my/figures/0"), 404)
        self.assertEqual(
            self._status(self.entrepreneur_a, "/my/figures/99999999999"), 404
        )
        # B's own page shows B only.
        self._login(self.entrepreneur_b)
        page = self.url_open("/my/figures")
        self.assertIn("Activity B", page.text)
        self.assertNotIn("Activity A", page.text)

    def test_staff(self):
        url = f"/my/figures/{self.activity_a.id}"
        for user in (self.advisor, self.accountant, self.manager):
            with self.subTest(user=user.login):
                self.assertEqual(self._status(user, url), 200)
        action = self.activity_a.with_user(self.advisor).action_open_figures()
        self.assertEqual(action["url"], url)

    def test_json_rpc(self):
        a, b = self.activity_a, self.activity_b
        self._login(self.entrepreneur_a)
        figures = self.rpc("cae.activity", "portal_figures", [a.ids])
        turnover = next(
            f for f in figures[str(a.id)]["figures"] if f["code"] == "turnover"
        )
        self.assertEqual(turnover["value"], 1000.0)
        self.assertRefused("cae.activity", "portal_figures", [b.ids])
        self.assertRefused("cae.activity", "portal_figures", [(a | b).ids])
        # Ids no activity has (outside test: [0] answered empty figures, [true]
        # a database error).
        for ids in ([0], [True], [0, a.id], [-1]):
            with self.subTest(ids=ids), self.assertRaises(JsonRpcException) as error:
                self.rpc("cae.activity", "portal_figures", [ids])
            self.assertEqual(str(error.exception), "odoo.exceptions.AccessError")
        self.assertRefused("cae.activity", "_cae_figures", [a.ids])
        self.assertRefused("cae.activity", "action_open_figures", [a.ids])
        # The context changes nothing: no key opens the books.
        self.assertRefused(
            "cae.activity",
            "portal_figures",
            [b.ids],
            context={"active_test": False, "cae_figures_all": True},
        )
        for user in (
            self.entrepreneur_b,
            self.other_company,
            self.advisor_2,
            self.internal,
        ):
            with self.subTest(user=user.login):
                self._login(user)
                self.assertRefused("cae.activity", "portal_figures", [a.ids])
        self._login(self.accountant)
        self.assertIn(str(a.id), self.rpc("cae.activity", "portal_figures", [a.ids]))


@tagged("post_install", "-at_install")
class TestFiguresFrench(CaeFiguresHttpCommon):
    def test_pages_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["gestions_radieuses", "gestions_radieuses_account"],
            ["fr_FR"],
            overwrite=True,
        )
        self.entrepreneur_a.lang = "fr_FR"
        self.activity_a.name = "Atelier des Lilas"
        base_whole, base_fragments = english_needles(BASE_FR_PO)
        whole, fragments = english_needles(ACCOUNT_FR_PO)
        needles = (base_whole | whole, base_fragments | fragments)
        self._login(self.entrepreneur_a)
        for url in ("/my", "/my/figures", f"/my/figures/{self.activity_a.id}"):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200)
                self.assertEqual(english_left(page.text, needles), [], url)
        page = self.url_open("/my/figures").text
        # French amounts and the figure's sentence in French.
        self.assertRegex(page, r"1\s000,00")
        self.assertIn("Chiffre d'affaires facturé", page.replace("&#39;", "'"))


@tagged("post_install", "-at_install")
class TestFiguresTour(CaeFiguresHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_phone_tour(self):
        self.start_tour("/my", "cae_figures_phone_tour", login="cae_entrepreneur_a")
