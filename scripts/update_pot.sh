#!/usr/bin/env bash
# `make pot`: export each addon's terms from a throwaway database into
# <addon>/i18n/<addon>.pot and merge them into <addon>/i18n/fr.po (translations kept).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
find_odoo
work=$(mktemp -d /tmp/gestions_radieuses-pot.XXXXXX)
chmod 755 "$work"
pg_port=$(free_port)
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
pg_start "$work/pg" "$pg_port" throwaway
common=(--addons-path="$ODOO_ADDONS,$ROOT" --db_host="$work/pg" --db_port="$pg_port"
        --db_user=odoo --data-dir="$work/data" -d pot --stop-after-init --log-level=warn)
"${ODOO_CMD[@]}" "${common[@]}" -i gestions_radieuses_account --without-demo=all
for module in gestions_radieuses gestions_radieuses_account; do
    "${ODOO_CMD[@]}" "${common[@]}" --i18n-export="$module/i18n/$module.pot" \
        --modules="$module"
    "$PYTHON" scripts/merge_po.py "$module/i18n/$module.pot" "$module/i18n/fr.po"
done
