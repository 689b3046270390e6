/** @odoo-module **/

import { registry } from "@web/core/registry";

// Issue 9: a usual trip in at most four taps from /my/expenses (the Python test
// counts the steps that act: test_trip_portal.USUAL_TRIP_MAX_TAPS).
registry.category("web_tour.tours").add("cae_usual_trip", {
    url: "/my/expenses",
    steps: () => [
        {
            content: "Add a trip",
            trigger: "a.o_cae_expense_add_trip",
            run: "click",
        },
        {
            content: "Tap the usual trip",
            trigger: ".o_cae_usual_trip_pick:contains(Vienne)",
            run: "click",
        },
        {
            content: "Confirm: added for today",
            trigger: ".o_cae_usual_trip[open] button.o_cae_usual_trip_add",
            run: "click",
        },
        {
            content: "Saved, in this month's report",
            trigger: ".o_cae_expense_message",
        },
        {
            content: "The trip is in the list, priced",
            trigger: ".o_cae_expense_line:contains(Vienne)",
        },
    ],
});
