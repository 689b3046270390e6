#!/usr/bin/env bash
# `make bench [SCALE=1000] [REPS=5] [HTTP_REPS=30] [CALENDAR_REPS=2] [CALENDAR_SAMPLE=1000] [PROFILE=1]
#  [MEASURES=generation,peers,http,accounting]` (a subset of the four groups of
#  measures; the table then has only their rows and the run is not written to
#  bench/results/, except MEASURES=accounting alone: bench/results/
#  accounting-scale-<N>.json and its own section of bench/RESULTS.md).
#
# On a private, throwaway PostgreSQL cluster: a database with gestions_radieuses,
# project and calendar (no demo data), seeded at SCALE activities; then the measures
# inside an Odoo process (deadline generation in a process of its own for its peak
# memory, the SQL floor, calendar's recurrences, batch approval, the accounting
# export), then the portal pages and the feed over HTTP against an Odoo server
# started on a free port; then (accounting) a second database with
# gestions_radieuses_account on the French chart and 12 months of customer invoices
# per activity: posting approved reports, the consolidated table, and "Mon activité
# en chiffres" against /my/invoices over HTTP; then one table, printed and written
# to bench/RESULTS.md.
# Raw figures: bench/out/*.json (git-ignored) and bench/results/scale-<N>.json.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
find_odoo

scale=${SCALE:-1000}
reps=${REPS:-5}
http_reps=${HTTP_REPS:-30}
calendar_reps=${CALENDAR_REPS:-2}
# The calendar peer on at most this many activities (its rate is what is compared).
calendar_sample=${CALENDAR_SAMPLE:-1000}
all_measures=generation,peers,http,accounting
measures=${MEASURES:-$all_measures}
wants() { [[ ",$measures," == *",$1,"* ]]; }
profile=()
[ "${PROFILE:-0}" = 1 ] && profile=(--profile)
[[ "$scale" =~ ^[1-9][0-9]*$ ]] || die "SCALE must be a number of activities (got '$scale')."

work=$(mktemp -d /tmp/gestions_radieuses-bench.XXXXXX)
chmod 755 "$work"
pg_dir="$work/pg"
pg_port=$(free_port)
http_port=$(free_port)
db=gr_bench
export BENCH_OUT="$ROOT/bench/out"
rm -rf "$BENCH_OUT"
mkdir -p "$BENCH_OUT"
log="$BENCH_OUT/odoo.log"
server_pid=""
# start_server LOG ODOO_ARGS...: one Odoo process (threaded, Odoo's default) on
# $http_port, its access lines in LOG; returns once it answers.
start_server() {
    local server_log=$1
    shift
    : >"$server_log"
    "${ODOO_CMD[@]}" "$@" --http-port="$http_port" --http-interface=127.0.0.1 \
        --log-level=warn --log-handler=werkzeug:INFO --logfile="$server_log" &
    server_pid=$!
    for _ in $(seq 1 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$http_port/web/login" && return
        kill -0 "$server_pid" 2>/dev/null || die "The Odoo server stopped, see $server_log"
        sleep 0.5
    done
}
stop_server() {
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    pg_stop "$pg_dir"
    rm -rf "$work"
}
trap cleanup EXIT

started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" $(( $(date +%s) - started )); }

pg_start "$pg_dir" "$pg_port" throwaway
odoo_args=(--addons-path="$ODOO_ADDONS,$ROOT" --db_host="$pg_dir" --db_port="$pg_port"
           --db_user=odoo --data-dir="$work/data" -d "$db" --max-cron-threads=0)

if [ "$measures" != accounting ]; then
step "Installing gestions_radieuses, project and calendar without demo data"
"${ODOO_CMD[@]}" "${odoo_args[@]}" -i gestions_radieuses,project,calendar \
    --without-demo=all --stop-after-init --log-level=warn --logfile="$log"

step "Seeding $scale activities"
"$PYTHON" bench/seed.py --scale "$scale" -- "${odoo_args[@]}" --log-level=warn --logfile="$log"
fi

if wants generation; then
step "Deadline generation: cold, re-run, SQL floor ($reps times each)"
"$PYTHON" bench/measure.py --ops generation --reps "$reps" "${profile[@]}" -- "${odoo_args[@]}" \
    --log-level=warn --logfile="$log"
fi

if wants peers; then
step "Peer: calendar recurrences; batch approval; accounting export"
"$PYTHON" bench/measure.py --ops calendar,approval,export --reps "$reps" \
    --calendar-reps "$calendar_reps" --calendar-sample "$calendar_sample" "${profile[@]}" -- "${odoo_args[@]}" --log-level=warn --logfile="$log"
fi

if wants http; then
step "Portal pages and the feed over HTTP ($http_reps requests each)"
server_log="$BENCH_OUT/server.log"
# One process, threaded (Odoo's default): the measured requests run one at a time.
start_server "$server_log" "${odoo_args[@]}" --db-filter="^$db\$"
"$PYTHON" bench/http_measure.py --base-url "http://127.0.0.1:$http_port" \
    --log "$server_log" --server-pid "$server_pid" --reps "$http_reps"
stop_server
fi

if wants accounting; then
account_db=gr_bench_account
account_args=("${odoo_args[@]}" -d "$account_db")
step "Accounting: installing gestions_radieuses_account and l10n_fr_account (database $account_db)"
"${ODOO_CMD[@]}" "${account_args[@]}" -i gestions_radieuses_account,l10n_fr_account \
    --without-demo=all --stop-after-init --log-level=warn --logfile="$log"
step "Accounting: seeding $scale activities with 12 months of invoices"
"$PYTHON" bench/seed_accounting.py --scale "$scale" -- "${account_args[@]}" \
    --log-level=warn --logfile="$log"
step "Accounting: posting approved reports, the consolidated table ($reps times each)"
"$PYTHON" bench/measure_accounting.py --reps "$reps" "${profile[@]}" -- "${account_args[@]}" \
    --log-level=warn --logfile="$log"
step "Accounting: Mon activité en chiffres against /my/invoices ($http_reps requests each)"
account_log="$BENCH_OUT/server-accounting.log"
start_server "$account_log" "${account_args[@]}" --db-filter="^$account_db\$"
"$PYTHON" bench/http_accounting.py --base-url "http://127.0.0.1:$http_port" \
    --log "$account_log" --reps "$http_reps"
stop_server
fi

step "Results"
keep=()
# The accounting group alone is kept too (its own section of RESULTS.md): it
# runs in its own database, so nothing of the other groups is missing.
if [ "$measures" = accounting ]; then
    keep=(--accounting)
elif [ "$measures" != "$all_measures" ]; then
    keep=(--no-save)
fi
"$PYTHON" bench/report.py --total-seconds $(( $(date +%s) - started )) "${keep[@]}"
