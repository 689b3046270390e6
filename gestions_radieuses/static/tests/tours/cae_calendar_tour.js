import { registry } from "@web/core/registry";

// An entrepreneur opens My calendar, reads what a deadline asks and marks it done.
registry.category("web_tour.tours").add("cae_calendar_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open my calendar from the portal home",
            trigger: "a[href='/my/calendar']",
            run: "click",
        },
        {
            content: "Read what the deadline asks",
            trigger: ".o_cae_deadline:contains('Tour deadline') summary",
            run: "click",
        },
        {
            content: "The explanation is shown",
            trigger:
                ".o_cae_deadline:contains('Tour deadline') .o_cae_deadline_explanation:contains('Keep every receipt'):visible",
        },
        {
            content: "Mark it done",
            trigger: ".o_cae_deadline:contains('Tour deadline') .o_cae_deadline_done",
            run: "click",
        },
        {
            content: "It is done",
            trigger: ".alert-success:contains('one thing less')",
        },
        {
            content: "Open the done ones",
            trigger: "#done summary",
            run: "click",
        },
        {
            content: "It now sits with the done ones",
            trigger: "#done .o_cae_deadline:contains('Tour deadline')",
        },
    ],
});
