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

registry.category("web_tour.tours").add("cae_expense_portal", {
    url: "/my/expenses",
    steps: () => [
        {
            content: "Add an expense from the month card",
            trigger: "a.o_cae_expense_add",
            run: "click",
        },
        {
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
        },
        {
            content: "Amount paid",
            trigger: "input[name=amount_total]",
            run: "edit 18.90",
        },
        {
            content: "What is it",
            trigger: "select[name=category_id]",
            run() {
                selectOptionByLabel(this.anchor, "Office supplies");
            },
        },
        {
            content: "Save",
            trigger: "button.o_cae_expense_save",
            run: "click",
        },
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
        {
            content: "Tick the checklist",
            trigger: "#cae_check_all",
            run: "check",
        },
        {
            content: "Tick the checklist",
            trigger: "#cae_check_pro",
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
    ],
});
