#!/usr/bin/env bash
# `make pot`: export the module's terms from a throwaway database into
# i18n/gestions_radieuses.pot and merge them into i18n/fr.po (translations kept).
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
"${ODOO_CMD[@]}" "${common[@]}" -i gestions_radieuses --without-demo=all
"${ODOO_CMD[@]}" "${common[@]}" --i18n-export=gestions_radieuses/i18n/gestions_radieuses.pot \
    --modules=gestions_radieuses
"$PYTHON" scripts/merge_po.py gestions_radieuses/i18n/gestions_radieuses.pot gestions_radieuses/i18n/fr.po
