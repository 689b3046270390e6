// The document form of an activity page: the end of validity is required, and
// marked so, as soon as the chosen kind of document has one (an insurance
// certificate), before anything is sent. The server checks it again.
document.addEventListener("change", (ev) => {
    const select = ev.target;
    if (!(select instanceof HTMLSelectElement) || select.id !== "cae_doc_type") {
        return;
    }
    const form = select.closest("form");
    const until = form && form.querySelector("#cae_doc_until");
    if (!until) {
        return;
    }
    const option = select.options[select.selectedIndex];
    const required = Boolean(option && option.dataset.validityRequired);
    until.required = required;
    for (const mark of form.querySelectorAll(".o_cae_until_required")) {
        mark.classList.toggle("d-none", !required);
    }
});
