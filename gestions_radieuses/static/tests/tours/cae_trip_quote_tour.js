/** @odoo-module **/

import { registry } from "@web/core/registry";

// Issue 9: the trip form shows the amount while the kilometres are typed.
registry.category("web_tour.tours").add("cae_trip_quote", {
    steps: () => [
        {
            content: "Type the kilometres",
            trigger: "input[name=distance_km]",
            run: "edit 100",
        },
        {
            content: "The amount shows before saving",
            trigger: ".o_cae_trip_quote:not(.d-none) .o_cae_trip_quote_amount:contains(63.60)",
        },
        {
            content: "With the rate and the year's kilometres",
            trigger: ".o_cae_trip_quote_sentence:contains(/km)",
        },
    ],
});
