import { registry } from "@web/core/registry";

// On a phone, every target of the module's pages is at least 44×44 px (issue 9):
// buttons, links drawn as buttons, the download icon, checkboxes and radios with
// their label.
const MIN = 44;

function checkTargets(root) {
    const small = [];
    const measure = (el, what) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) {
            return; // not shown
        }
        if (box.width < MIN - 0.5 || box.height < MIN - 0.5) {
            small.push(`${what} "${el.textContent.trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
        }
    };
    for (const el of root.querySelectorAll(".btn, .o_cae_tap")) {
        measure(el, "button");
    }
    for (const el of root.querySelectorAll(".form-check")) {
        measure(el, "choice");
    }
    if (small.length) {
        throw new Error(`Targets under ${MIN} px: ${small.join("; ")}`);
    }
}

function goTo(url, content) {
    return {
        content,
        trigger: "body",
        run: () => {
            window.location.href = url;
        },
    };
}

registry.category("web_tour.tours").add("cae_tap_targets_tour", {
    url: "/my/activities",
    steps: () => [
        {
            content: "The activity page, with a document to download",
            trigger: ".o_cae_document .fa-download",
            run() {
                checkTargets(document.querySelector(".o_cae_activity"));
            },
        },
        goTo("/my/calendar", "The calendar page"),
        {
            content: "Open the calendar and e-mail settings",
            trigger: "#settings summary",
            run: "click",
        },
        {
            content: "Its radios and buttons are large enough",
            trigger: "#settings[open] .o_cae_feed_regenerate",
            run() {
                checkTargets(document.querySelector(".o_cae_calendar"));
            },
        },
        goTo("/my/expenses", "My expenses"),
        {
            trigger: ".o_cae_expense_open_month",
            run: "click",
        },
        {
            content: "Remove and the two checks of the month are large enough",
            trigger: ".o_cae_expense_report .o_cae_expense_line",
            run() {
                checkTargets(document.querySelector(".o_cae_expense_report"));
            },
        },
    ],
});
