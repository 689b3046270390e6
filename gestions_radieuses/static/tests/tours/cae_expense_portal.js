/** @odoo-module **/

import { registry } from "@web/core/registry";

// A 1x1 PNG: the "photo of the receipt" sent from the phone.
const PNG_BASE64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAACAAFUok9dAAAAAElFTkSuQmCC";

function selectOptionByLabel(select, label) {
    const option = [...select.options].find((o) => o.textContent.trim() === label);
    if (!option) {
        throw new Error(`No option "${label}"`);
    }
    select.value = option.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
}

// ---------------------------------------------------------------------------
// The flows on a phone (issue 9, at the end of this file) each have the most
// taps they may take (typing excluded). The Python tests (test_expense_flow.py)
// hold the same numbers: a flow that needs one tap more fails, the limits may
// not grow.
// ---------------------------------------------------------------------------
function isTap(step) {
    return Boolean(step.run) && !(typeof step.run === "string" && step.run.startsWith("edit"));
}

function tapLimited(name, maxTaps, steps) {
    const taps = steps.filter(isTap).length;
    registry.category("web_tour.tours").add(name, {
        url: "/my",
        steps: () => [
            {
                content: `At most ${maxTaps} taps (typing excluded): ${taps}`,
                trigger: "body",
                run() {
                    if (taps > maxTaps) {
                        throw new Error(`${name}: ${taps} taps, at most ${maxTaps}`);
                    }
                },
            },
            ...steps,
        ],
    });
}

const openExpensesTile = {
    content: "Open my expenses from the portal home",
    trigger: ".o_portal_index_card:not(.d-none) a[title='My expenses']",
    run: "click",
};

const takePhoto = {
    content: "Take the photo of the receipt",
    trigger: "input[name=receipts]",
    run() {
        const bytes = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
        const file = new File([bytes], "receipt.png", { type: "image/png" });
        const transfer = new DataTransfer();
        transfer.items.add(file);
        this.anchor.files = transfer.files;
        this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
    },
};

const chooseSupplies = {
    content: "What is it",
    trigger: "select[name=category_id]",
    run() {
        selectOptionByLabel(this.anchor, "Office supplies");
    },
};

const save = {
    content: "Save",
    trigger: "button.o_cae_expense_save",
    run: "click",
};

// Sending the month: one box (all my expenses, all for my activity), one button.
const submitMonth = [
    {
        content: "All my expenses are in the list, all for my activity",
        trigger: "#cae_check_all",
        run: "check",
    },
    {
        content: "Submit my month",
        trigger: "button.o_cae_expense_submit_button",
        run: "click",
    },
    {
        content: "The month is submitted",
        trigger: ".o_cae_expense_message:contains(your month is submitted)",
    },
];

registry.category("web_tour.tours").add("cae_expense_portal", {
    url: "/my/expenses",
    steps: () => [
        {
            content: "Add an expense from the month card",
            trigger: "a.o_cae_expense_add",
            run: "click",
        },
        takePhoto,
        {
            content: "Amount paid",
            trigger: "input[name=amount_total]",
            run: "edit 18.90",
        },
        chooseSupplies,
        save,
        {
            content: "The expense is in the month, with its receipt",
            trigger: ".o_cae_expense_line:contains(Office supplies):has(a:contains(receipt.png))",
        },
        {
            content: "Add a trip",
            trigger: "a:contains(Add a trip)",
            run: "click",
        },
        {
            content: "From",
            trigger: "input[name=trip_from]",
            run: "edit Lyon",
        },
        {
            content: "To",
            trigger: "input[name=trip_to]",
            run: "edit Vienne",
        },
        {
            content: "Kilometres",
            trigger: "input[name=distance_km]",
            run: "edit 100",
        },
        {
            content: "Why",
            trigger: "input[name=name]",
            run: "edit Client meeting",
        },
        {
            content: "Save the trip",
            trigger: "button.o_cae_expense_save",
            run: "click",
        },
        {
            content: "The trip is priced from the scale",
            trigger: ".o_cae_expense_line:contains(Lyon):contains(63.60)",
        },
        ...submitMonth,
    ],
});

tapLimited("cae_expense_phone_add", 5, [
    openExpensesTile,
    {
        content: "Add an expense",
        trigger: "a.o_cae_expense_add:first",
        run: "click",
    },
    takePhoto,
    {
        content: "Amount paid",
        trigger: "input[name=amount_total]",
        run: "edit 18,90",
    },
    chooseSupplies,
    save,
    {
        content: "The expense is in the month, with its receipt",
        trigger: ".o_cae_expense_line:contains(Office supplies):has(a:contains(receipt.png))",
    },
]);

tapLimited("cae_expense_phone_submit", 3, [openExpensesTile, ...submitMonth]);

tapLimited("cae_expense_phone_correct", 3, [
    openExpensesTile,
    {
        content: "The month sent back says why",
        trigger: ".o_cae_expense_refused:contains(The amount is 21.50)",
    },
    {
        content: "Correct the line",
        trigger: "a.o_cae_expense_correct",
        run: "click",
    },
    {
        content: "The right amount",
        trigger: "input[name=amount_total]",
        run: "edit 21,50",
    },
    save,
    {
        content: "Corrected in place",
        trigger: ".o_cae_expense_message:contains(corrected)",
    },
]);

tapLimited("cae_expense_phone_forgotten", 5, [
    openExpensesTile,
    {
        content: "Add the forgotten expense",
        trigger: "a.o_cae_expense_add:first",
        run: "click",
    },
    takePhoto,
    {
        content: "Amount paid",
        trigger: "input[name=amount_total]",
        run: "edit 7,30",
    },
    chooseSupplies,
    save,
    {
        content: "It went into a complementary report of the month, and the page says so",
        trigger: ".o_cae_expense_message:contains(complementary report)",
    },
]);
