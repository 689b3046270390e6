#!/usr/bin/env bash
# `make demo`: Odoo with both addons (gestions_radieuses, gestions_radieuses_account on
# the French chart, l10n_fr_account), their demo data and the French interface on
# http://localhost:8069, on a private PostgreSQL cluster kept in .run/demo/.
# `make demo-reset` (RESET=1) drops it and starts over.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
find_odoo

run="$ROOT/.run/demo"
pg_dir="$run/pg"
pg_port=${DEMO_PG_PORT:-54329}
http_port=${DEMO_HTTP_PORT:-8069}
db=${DEMO_DB:-gestions_radieuses_demo}
mkdir -p "$run"
chmod 755 "$ROOT/.run" "$run"

if [ "${RESET:-0}" = 1 ]; then
    pg_stop "$pg_dir" 2>/dev/null || true
    find_pg_bin
    rm -rf "$pg_dir" "$run/data"
    echo "Demo database removed; building a new one."
fi

find_pg_bin
pg_stop "$pg_dir"
pg_start "$pg_dir" "$pg_port"
trap 'pg_stop "$pg_dir"' EXIT

modules=gestions_radieuses_account,l10n_fr_account
common=(--addons-path="$ODOO_ADDONS,$ROOT" --db_host="$pg_dir" --db_port="$pg_port"
        --db_user=odoo --data-dir="$run/data" -d "$db" --db-filter="^$db\$")

exists=$(as_pg psql -h "$pg_dir" -p "$pg_port" -U postgres -Atc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'" postgres)
if [ "$exists" != 1 ]; then
    echo "Creating the demo database (a few minutes the first time)..."
    # The demo company is French (gestions_radieuses' demo) before Accounting picks
    # its chart: l10n_fr_account's, loaded once every module is; the demo books follow.
    "${ODOO_CMD[@]}" "${common[@]}" -i "$modules" \
        --load-language=fr_FR --stop-after-init --log-level=warn
    # French as the language of the company and of every demo user.
    "${ODOO_CMD[@]}" shell "${common[@]}" --log-level=warn --no-http <<'PY' >/dev/null
users = env["res.users"].with_context(active_test=False).search([])
users.write({"lang": "fr_FR"})
env["res.partner"].search([]).write({"lang": "fr_FR"})
env["ir.default"].set("res.partner", "lang", "fr_FR")
# The expense journal was named before French was loaded.
env["res.company"].search([])._cae_name_expense_journal()
env.cr.commit()
PY
else
    account_state=$(as_pg psql -h "$pg_dir" -p "$pg_port" -U postgres -Atc \
        "SELECT state FROM ir_module_module WHERE name = 'gestions_radieuses_account'" "$db")
    if [ "$account_state" = installed ]; then
        echo "Reusing the demo database (make demo-reset to start over); updating the modules..."
        "${ODOO_CMD[@]}" "${common[@]}" -u gestions_radieuses,gestions_radieuses_account \
            --stop-after-init --log-level=warn
    else
        # A database of an older run, without the accounting addon: install it. Its
        # demo company has no country (demo records are not updated), so Accounting
        # gives it the generic chart (and the United States); it gets France and the
        # French chart next, then its books.
        # (Made French before the install, it would also pull in account_peppol.)
        echo "Reusing the demo database (make demo-reset to start over); adding Accounting..."
        "${ODOO_CMD[@]}" "${common[@]}" -u gestions_radieuses -i "$modules" \
            --stop-after-init --log-level=error
        "${ODOO_CMD[@]}" shell "${common[@]}" --log-level=warn --no-http <<'PY' >/dev/null
company = env.ref("base.main_company")
if company.chart_template != "fr":
    env.cr.execute(
        "UPDATE res_partner SET country_id = (SELECT id FROM res_country WHERE code = 'FR')"
        " WHERE id = %s",
        [company.partner_id.id],
    )
    env.invalidate_all()
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    env["res.company"]._cae_demo_accounting()
env.cr.commit()
PY
    fi
fi
chart=$(as_pg psql -h "$pg_dir" -p "$pg_port" -U postgres -Atc \
    "SELECT chart_template FROM res_company WHERE id = 1" "$db")
[ "$chart" = fr ] || echo "Warning: the demo company's chart of accounts is '$chart', not the French one."

# Links in e-mails and calendar feeds point at this server (DEMO_HTTP_PORT too).
"${ODOO_CMD[@]}" shell "${common[@]}" --log-level=warn --no-http <<PY >/dev/null
env["ir.config_parameter"].sudo().set_param("web.base.url", "http://localhost:$http_port")
env.cr.commit()
PY

cat <<MSG

  Gestions radieuses demo: http://localhost:$http_port   (Ctrl+C to stop)

  Every demo password is: demo   (the administrator: admin / admin)

  Support team (backend, menu CAE)
    direction   Claire Martin    manager (configuration, everything)
    conseil1    Karim Benali     advisor
    conseil2    Sophie Durand    advisor
    compta      Luc Moreau       accountant
                                 also in Accounting: posts approved reports and pays them

  Entrepreneurs (portal, http://localhost:$http_port/my)
    amelie      Amélie Roux      candidate
    bastien     Bastien Leroy    CAPE contract, documents expiring and expired
    chloe       Chloé Garnier    CAPE contract, insurance expired
    david       David Nguyen     collective activity with Emma, salaried
    emma        Emma Petit       co-entrepreneur of David's collective
    farid       Farid Haddad     salaried, fewer than two interviews this year
    gaelle      Gaëlle Morel     associate
    hugo        Hugo Lambert     left the cooperative (archived activity)

MSG
"${ODOO_CMD[@]}" "${common[@]}" --http-port="$http_port" --log-level=warn
