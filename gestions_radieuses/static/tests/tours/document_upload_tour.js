import { registry } from "@web/core/registry";

// An entrepreneur opens their activity from the portal home and sends their
// professional liability insurance certificate, as they would from a phone.
const PDF = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

registry.category("web_tour.tours").add("gestions_radieuses_document_upload", {
    url: "/my",
    steps: () => [
        {
            content: "Open my activity from the portal home",
            trigger: "a[href='/my/activities']",
            run: "click",
        },
        {
            content: "The activity page says where I stand",
            trigger: "h4:contains('Where you stand')",
        },
        {
            content: "Say it is the insurance certificate",
            trigger: "select[name=type_id]",
            run: "selectByLabel Professional liability insurance certificate",
        },
        {
            content: "The end of validity is now marked required, before sending",
            trigger: "label[for=cae_doc_until] .o_cae_until_required:not(.d-none)",
        },
        {
            trigger: "input[name=date_until]:required",
        },
        {
            content: "Until when it is valid",
            trigger: "input[name=date_until]",
            run() {
                // A native date picker: set the value as the browser would.
                this.anchor.value = "2031-06-30";
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Attach the scan",
            trigger: "input[name=file]",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File([PDF], "attestation-rc-pro.pdf", { type: "application/pdf" })
                );
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send it",
            trigger: "button[type=submit]:contains('Send the document')",
            run: "click",
        },
        {
            content: "The portal confirms and lists it as valid",
            trigger: ".alert-success:contains('your document has been received')",
        },
        {
            trigger:
                ".o_cae_document:contains('Professional liability insurance certificate') .badge:contains('Valid')",
        },
    ],
});
