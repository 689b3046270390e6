/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";
import { debounce } from "@web/core/utils/timing";

/**
 * The trip form shows what the trip will be paid while the kilometres are typed
 * (issue 9): one read-only call to /my/expenses/trip_quote, 300 ms after the last
 * key. Without JavaScript the form works the same; the amount shows once saved.
 */
publicWidget.registry.CaeTripQuote = publicWidget.Widget.extend({
    selector: ".o_cae_expense_form",
    events: {
        "input input[name=distance_km]": "_onChange",
        "change input[name=date]": "_onChange",
        "change select[name=activity_id]": "_onChange",
    },

    start() {
        this.quote = this.el.querySelector(".o_cae_trip_quote");
        this._requested = 0;
        this._quoteLater = debounce(() => this._quoteNow(), 300);
        if (this.quote && this._field("distance_km")) {
            this._quoteNow();
        }
        return this._super(...arguments);
    },

    _field(name) {
        return this.el.querySelector(`[name=${name}]`);
    },

    _onChange() {
        if (this.quote) {
            this._quoteLater();
        }
    },

    _show(amount, sentence) {
        this.quote.querySelector(".o_cae_trip_quote_amount").textContent = amount;
        this.quote.querySelector(".o_cae_trip_quote_sentence").textContent = sentence;
        this.quote.classList.toggle("d-none", !amount && !sentence);
    },

    async _quoteNow() {
        const km = (this._field("distance_km").value || "").trim();
        const activity = this._field("activity_id");
        if (!km || !activity || !activity.value) {
            this._show("", "");
            return;
        }
        const requested = ++this._requested;
        let result;
        try {
            result = await rpc("/my/expenses/trip_quote", {
                activity_id: activity.value,
                distance_km: km,
                date: this._field("date")?.value || null,
            });
        } catch {
            result = null;
        }
        if (requested !== this._requested) {
            return; // an answer to older keystrokes
        }
        if (!result || result.error) {
            this._show("", result ? result.error : "");
            return;
        }
        this._show(result.amount_label, result.sentence);
    },
});
