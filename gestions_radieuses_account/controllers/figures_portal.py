from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.addons.gestions_radieuses.controllers.portal import CaePortal
from odoo.addons.gestions_radieuses.tools.form_errors import MAX_ID
from odoo.exceptions import AccessError
from odoo.http import request
from odoo.tools.misc import format_date

from ..models.cae_figure import FIGURE_FAMILIES
from ..tools.figure_chart import bar_chart

# The bars of the chart, one per figure of the turnover family read by month.
CHART_CLASSES = ("o_cae_bar_1", "o_cae_bar_2", "o_cae_bar_3")


class CaeFiguresPortal(CaePortal):
    """ "Mon activité en chiffres": the home tile and a page per activity. The
    pages call ``cae.activity.portal_figures``, which checks who calls."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Activity = request.env["cae.activity"]
        if "cae_figures_activity_count" in counters:
            values["cae_figures_activity_count"] = (
                Activity.with_context(active_test=False).search_count([])
                if request.env.user.share and Activity.has_access("read")
                else 0
            )
        if not counters:
            # The home page itself: the tile shows the figures marked for it.
            values["cae_home_figures"] = Activity._portal_home_figures()
            values["cae_figures_currency"] = request.env.company.currency_id
        return values

    @http.route("/my/figures", type="http", auth="user", website=True, readonly=True)
    def portal_my_figures(self, **kw):
        env = request.env
        partner = env.user.partner_id
        Activity = env["cae.activity"]
        # Archived activities too: who has left keeps their last figures in view.
        activities = (
            Activity.sudo()
            .with_context(active_test=False)
            .search(Activity._cae_member_domain(partner))
        )
        if len(activities) == 1:
            return self._cae_render_figures(activities.with_env(env))
        figures = activities.with_env(env).portal_figures() if activities else {}
        values = self._prepare_portal_layout_values()
        values.update(
            activities=activities,
            figures=figures,
            page_name="cae_figures",
            currency=env.company.currency_id,
        )
        return request.render("gestions_radieuses_account.portal_my_figures", values)

    @http.route(
        "/my/figures/<int:activity_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_activity_figures(self, activity_id, **kw):
        if not 0 < activity_id <= MAX_ID:
            raise NotFound()
        activity_sudo = self._cae_check_access("cae.activity", activity_id)
        return self._cae_render_figures(activity_sudo.with_env(request.env))

    def _cae_render_figures(self, activity):
        try:
            figures = activity.portal_figures()[activity.id]
        except AccessError as error:
            # Readable (a colleague of the support team) but not theirs to see.
            raise Forbidden() from error
        currency = activity.sudo().company_id.currency_id
        values = self._prepare_portal_layout_values()
        values.update(
            activity=activity.sudo(),
            data=figures,
            families=self._cae_families(figures["figures"]),
            chart=self._cae_chart(figures),
            # A candidate's activity with nothing in the books: a sentence, not a
            # page of zeros.
            no_books=not any(f.get("last_date") for f in figures["figures"]),
            currency=currency,
            page_name="cae_activity_figures",
            several=len(
                activity.sudo()
                .with_context(active_test=False)
                .search(activity._cae_member_domain(request.env.user.partner_id))
            )
            > 1,
        )
        return request.render(
            "gestions_radieuses_account.portal_my_activity_figures", values
        )

    @staticmethod
    def _cae_families(figures):
        """[(family code, its label, its figures)] in the order of the families."""
        labels = dict(
            request.env["cae.figure"]
            ._fields["family"]
            ._description_selection(request.env)
        )
        return [
            (code, labels[code], [f for f in figures if f["family"] == code])
            for code, _label in FIGURE_FAMILIES
            if any(f["family"] == code for f in figures)
        ]

    @staticmethod
    def _cae_chart(figures):
        """The bars of the turnover figures read by month, with the month names
        of the page's language."""
        monthly = [
            f for f in figures["figures"] if f["family"] == "turnover" and "months" in f
        ][: len(CHART_CLASSES)]
        if not monthly:
            return None
        env = request.env
        months = [m["month"] for m in monthly[0]["months"]]
        labels = [
            format_date(env, month, date_format="MMM").rstrip(".") for month in months
        ]
        chart = bar_chart(
            labels,
            [
                (css, [m["value"] for m in figure["months"]])
                for css, figure in zip(CHART_CLASSES, monthly, strict=False)
            ],
        )
        chart["series"] = [
            {"css": css, "name": figure["name"]}
            for css, figure in zip(CHART_CLASSES, monthly, strict=False)
        ]
        chart["rows"] = [
            {
                "month": format_date(env, month, date_format="MMMM y"),
                "values": [figure["months"][index]["value"] for figure in monthly],
            }
            for index, month in enumerate(months)
        ]
        return chart
