#!/usr/bin/env bash
# `make test`: linters, then the module's Odoo tests (tours included) on a throwaway
# PostgreSQL cluster, then the translation check. Ends with "N passed, N failed, N skipped".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

find_odoo
lint_status=0
if [ "${SKIP_LINT:-0}" != 1 ]; then
    bash scripts/lint.sh || lint_status=1
fi

work=$(mktemp -d /tmp/gestions_radieuses-test.XXXXXX)
chmod 755 "$work"
pg_dir="$work/pg"
pg_port=$(free_port)
http_port=$(free_port)
log="$ROOT/.run/test.log"
mkdir -p "$ROOT/.run"
cleanup() { pg_stop "$pg_dir"; rm -rf "$work"; }
trap cleanup EXIT

pg_start "$pg_dir" "$pg_port" throwaway
db=gr_test
common=(--addons-path="$ODOO_ADDONS,$ROOT" --db_host="$pg_dir" --db_port="$pg_port"
        --db_user=odoo --data-dir="$work/data" -d "$db" --max-cron-threads=0
        --stop-after-init)

echo "== Odoo tests (log: .run/test.log)"
"${ODOO_CMD[@]}" "${common[@]}" -i gestions_radieuses --test-enable \
    --test-tags "${TEST_TAGS:-/gestions_radieuses}" --http-port="$http_port" \
    --log-level=info >"$log" 2>&1
odoo_status=$?
grep -E " (ERROR|CRITICAL|WARNING) |FAIL:|odoo.tests.result|Traceback" "$log" | tail -n 60

i18n_status=0
if [ "${SKIP_I18N:-0}" != 1 ]; then
    echo "== translations"
    "${ODOO_CMD[@]}" "${common[@]}" --i18n-export="$work/exported.pot" \
        --modules=gestions_radieuses >>"$log" 2>&1 || i18n_status=1
    "$PYTHON" scripts/check_i18n.py "$work/exported.pot" gestions_radieuses/i18n || i18n_status=1
fi

result=$(grep -E "odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$log" | tail -n 1)
if [ -z "$result" ]; then
    tail -n 20 "$log"
    echo "Odoo did not report test results (exit $odoo_status): see .run/test.log"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
failures=$(sed -E 's/.*: ([0-9]+) failed, ([0-9]+) error.*/\1/' <<<"$result")
errors=$(sed -E 's/.*failed, ([0-9]+) error.*/\1/' <<<"$result")
total=$(sed -E 's/.* of ([0-9]+) tests.*/\1/' <<<"$result")
skipped=$(grep -cE "odoo\.tests\.result: skipped " "$log")
error_lines=$(grep -cE "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$log")
failed=$((failures + errors))
passed=$((total - failed - skipped))

status=0
[ "$lint_status" = 0 ] || { echo "lint failed"; status=1; }
[ "$i18n_status" = 0 ] || { echo "translation check failed"; status=1; }
[ "$odoo_status" = 0 ] || { echo "Odoo exited with $odoo_status"; status=1; }
[ "$error_lines" = 0 ] || { echo "$error_lines ERROR lines in Odoo's log"; status=1; }
[ "$failed" = 0 ] || status=1
[ "$total" -gt 0 ] || { echo "no test ran"; status=1; }
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
