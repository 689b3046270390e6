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
common=(--addons-path="$ODOO_ADDONS,$ROOT" --db_host="$pg_dir" --db_port="$pg_port"
        --db_user=odoo --data-dir="$work/data" --max-cron-threads=0
        --stop-after-init)

# Two databases: the module alone, as a CAE without Accounting has it, and both
# addons on the French chart (l10n_fr_account), as a CAE with Accounting has them.
odoo_status=0
logs=()
run_odoo_tests() {  # run_odoo_tests DB LOG MODULES TAGS
    local db=$1 log=$2 modules=$3 tags=$4
    echo "== Odoo tests: $modules (log: ${log#"$ROOT"/})"
    "${ODOO_CMD[@]}" "${common[@]}" -d "$db" -i "$modules" --test-enable \
        --test-tags "$tags" --http-port="$http_port" --log-level=info >"$log" 2>&1 \
        || odoo_status=1
    grep -E " (ERROR|CRITICAL|WARNING) |FAIL:|odoo.tests.result|Traceback" "$log" | tail -n 60
    logs+=("$log")
}
if [ "${SKIP_BASE:-0}" != 1 ]; then
    run_odoo_tests gr_test "$log" gestions_radieuses "${TEST_TAGS:-/gestions_radieuses}"
fi
if [ "${SKIP_ACCOUNT:-0}" != 1 ]; then
    run_odoo_tests gr_account "$ROOT/.run/test-account.log" \
        gestions_radieuses_account,l10n_fr_account \
        "${ACCOUNT_TEST_TAGS:-/gestions_radieuses_account}"
fi

i18n_status=0
if [ "${SKIP_I18N:-0}" != 1 ]; then
    echo "== translations"
    for module in gestions_radieuses gestions_radieuses_account; do
        db=gr_test
        [ "$module" = gestions_radieuses_account ] && db=gr_account
        [ "$db" = gr_test ] && [ "${SKIP_BASE:-0}" = 1 ] && continue
        [ "$db" = gr_account ] && [ "${SKIP_ACCOUNT:-0}" = 1 ] && continue
        "${ODOO_CMD[@]}" "${common[@]}" -d "$db" --i18n-export="$work/$module.pot" \
            --modules="$module" >>"$ROOT/.run/i18n.log" 2>&1 || i18n_status=1
        "$PYTHON" scripts/check_i18n.py "$work/$module.pot" "$module/i18n" || i18n_status=1
    done
fi

# Sum the results of both databases.
failed=0; total=0; skipped=0; error_lines=0
for one in "${logs[@]}"; do
    result=$(grep -E "odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$one" | tail -n 1)
    if [ -z "$result" ]; then
        tail -n 20 "$one"
        echo "Odoo did not report test results: see ${one#"$ROOT"/}"
        echo "0 passed, 1 failed, 0 skipped"
        exit 1
    fi
    failures=$(sed -E 's/.*: ([0-9]+) failed, ([0-9]+) error.*/\1/' <<<"$result")
    errors=$(sed -E 's/.*failed, ([0-9]+) error.*/\1/' <<<"$result")
    failed=$((failed + failures + errors))
    total=$((total + $(sed -E 's/.* of ([0-9]+) tests.*/\1/' <<<"$result")))
    skipped=$((skipped + $(grep -cE "odoo\.tests\.result: skipped " "$one")))
    error_lines=$((error_lines + $(grep -cE "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$one")))
done
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
