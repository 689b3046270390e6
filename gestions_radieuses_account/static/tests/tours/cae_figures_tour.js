import { registry } from "@web/core/registry";

// On a phone: the portal home's figures tile opens the dashboard, which shows
// the 12-month chart and each figure's sentence.
registry.category("web_tour.tours").add("cae_figures_phone_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Tap the figures tile of the portal home",
            trigger: ".o_portal_index_card a[href='/my/figures']:has(.o_cae_figures_tile)",
            run: "click",
        },
        {
            content: "The chart of the last 12 months is drawn, with its numbers",
            trigger: ".o_cae_figures svg.o_cae_figures_chart rect.o_cae_bar_1",
        },
        {
            content: "The chart fits the phone's width",
            trigger: ".o_cae_figures_chart",
            run() {
                const box = this.anchor.getBoundingClientRect();
                if (box.width > window.innerWidth || box.width < 200) {
                    throw new Error(`Chart ${Math.round(box.width)} px wide on a ${window.innerWidth} px screen`);
                }
            },
        },
        {
            content: "A figure says what it is in one sentence",
            trigger: ".o_cae_figure[data-code='turnover'] .o_cae_figure_explanation:contains(invoiced)",
        },
        {
            content: "And up to which day",
            trigger: ".o_cae_figure[data-code='turnover'] .o_cae_figure_period",
        },
        {
            content: "The unpaid invoice and how late it is",
            trigger: ".o_cae_figure[data-code='unpaid'] .o_cae_unpaid_invoice",
        },
    ],
});
