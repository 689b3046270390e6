#!/usr/bin/env bash
# `make load [USERS=200] [WORKERS=4] [PACE=0.5] [BURST=5] [MAX_SECONDS=900]`: the
# month-end rush.
#
# On a private, throwaway PostgreSQL cluster: gestions_radieuses and project (no
# demo data), USERS+10 entrepreneurs and 3 accountants seeded (bench/load/seed.py);
# Odoo served in prefork mode (--workers, one cron worker) on 127.0.0.1 only; then
# Locust (in its own virtual environment, .run/load-venv: its gevent is not Odoo's)
# plays 20 entrepreneurs one at a time (the unloaded figures), then the rush twice,
# each time USERS other entrepreneurs while 3 accountants approve in batches and the
# generation cron runs: "paced", PACE entrepreneurs arriving per second (0.5/s is
# 1 800 months sent in an hour, a national network's busiest hour), then "burst",
# BURST per second (5/s: all 200 within 40 s, beyond what 2 cores serve, to see how
# it fails). Everything stops by itself (each user has one month to send; MAX_SECONDS
# bounds each rush). Then bench/load/audit.py checks the database and writes the
# figures to bench/RESULTS.md and bench/results/load.json.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"
find_odoo

users=${USERS:-200}
workers=${WORKERS:-4}
max_seconds=${MAX_SECONDS:-900}
pace=${PACE:-0.5}
burst=${BURST:-5}
warmup_users=2
baseline_users=20
[[ "$users" =~ ^[1-9][0-9]*$ ]] && [ "$users" -le 500 ] \
    || die "USERS must be a number from 1 to 500 (got '$users')."
[[ "$workers" =~ ^[1-9][0-9]?$ ]] || die "WORKERS must be a number (got '$workers')."
for rate in "$pace" "$burst"; do
    [[ "$rate" =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ "$rate" != 0 ] \
        || die "PACE and BURST are arrivals per second, like 0.5 (got '$rate')."
done

venv="$ROOT/.run/load-venv"
if ! "$venv/bin/python" -c "import locust" 2>/dev/null; then
    echo "== Locust in its own virtual environment ($venv)"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/load/requirements.txt
fi

work=$(mktemp -d /tmp/gestions_radieuses-load.XXXXXX)
chmod 755 "$work"
pg_dir="$work/pg"
pg_port=$(free_port)
http_port=$(free_port)
gevent_port=$(free_port)
db=gr_load
log="$work/odoo.log"
server_pid=""
memory_pid=""
cleanup() {
    [ -n "$memory_pid" ] && kill "$memory_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    pg_stop "$pg_dir"
    [ "${KEEP:-0}" = 1 ] && echo "Files kept in $work" || rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" $(( $(date +%s) - started )); }

pg_start "$pg_dir" "$pg_port" throwaway
odoo_args=(--addons-path="$ODOO_ADDONS,$ROOT" --db_host="$pg_dir" --db_port="$pg_port"
           --db_user=odoo --data-dir="$work/data" -d "$db")

step "Installing gestions_radieuses and project without demo data"
"${ODOO_CMD[@]}" "${odoo_args[@]}" -i gestions_radieuses,project --without-demo=all \
    --max-cron-threads=0 --stop-after-init --log-level=warn --logfile="$log"

step "Seeding $((2 * users + warmup_users + baseline_users)) entrepreneurs and 3 accountants"
"$PYTHON" bench/load/seed.py --entrepreneurs $((2 * users + warmup_users + baseline_users)) \
    --out "$work/seed.json" -- "${odoo_args[@]}" --max-cron-threads=0 \
    --log-level=warn --logfile="$log"
# A 200 kB photo that is a real JPEG (Odoo decodes images it stores).
"$PYTHON" - "$work/photo.jpg" <<'PY'
import io, os, sys
from PIL import Image
side, data = 200, b""
while len(data) < 200_000:
    side += 40
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(
        buffer, "JPEG", quality=85)
    data = buffer.getvalue()
open(sys.argv[1], "wb").write(data)
PY

# Prefork Odoo starts its gevent (websocket) process again from sys.argv[0]: it
# must be a real script, not `python -c`.
printf 'import odoo.cli\nodoo.cli.main()\n' >"$work/odoo-bin"
step "Odoo in prefork mode: $workers HTTP workers and one cron worker, 127.0.0.1:$http_port"
"$PYTHON" "$work/odoo-bin" "${odoo_args[@]}" --workers="$workers" --max-cron-threads=1 \
    --http-interface=127.0.0.1 --http-port="$http_port" --gevent-port="$gevent_port" \
    --db-filter="^$db\$" --limit-time-real=300 --log-level=warn --logfile="$log" \
    --log-handler=werkzeug:INFO &
server_pid=$!
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$http_port/web/login" && break
    kill -0 "$server_pid" 2>/dev/null || die "The Odoo server stopped, see $log"
    sleep 0.5
done
"$PYTHON" bench/load/memory.py "$server_pid" "$work/memory.json" &
memory_pid=$!

locust() {  # locust NAME SLICE ACCOUNTANTS USERS RATE SECONDS WAIT [classes]
    local name=$1 slice=$2 accountants=$3 n=$4 rate=$5 seconds=$6 wait=$7
    shift 7
    LOAD_SEED="$work/seed.json" LOAD_PHOTO="$work/photo.jpg" LOAD_OUT="$work/$name.json" \
    LOAD_SLICE="$slice" LOAD_ACCOUNTANTS="$accountants" LOAD_WAIT="$wait" \
    "$venv/bin/locust" -f bench/load/locustfile.py --headless --only-summary \
        --host "http://127.0.0.1:$http_port" -u "$n" -r "$rate" --run-time "${seconds}s" \
        --stop-timeout 30 --csv "$work/$name" --loglevel WARNING "$@" || true
}

step "Warm-up (first pages of each worker), then unloaded: $baseline_users entrepreneurs one at a time"
# No thinking time here: one request at a time is what "unloaded" means.
export LOAD_LOOP=1
locust warmup "0:$warmup_users" 0 1 1 120 0:0 Entrepreneur >/dev/null
first=$((warmup_users + baseline_users))
echo "== baseline" >>"$log"
locust baseline "$warmup_users:$first" 0 1 1 300 0:0 Entrepreneur

unset LOAD_LOOP
rushes=()
rush() {  # rush NAME RATE FIRST: USERS entrepreneurs from the seed's FIRST one
    local name=$1 rate=$2 from=$3
    step "The rush, $name: $users entrepreneurs arriving at $rate/s, 3 accountants approving, the cron running"
    local started_at start
    started_at=$(date -u +%Y-%m-%dT%H:%M:%S)
    start=$(date +%s)
    echo "== rush $name" >>"$log"
    "$PYTHON" bench/load/trigger_cron.py --every 20 --seconds "$max_seconds" \
        -- "${odoo_args[@]}" --log-level=warn --logfile="$log"
    # Every simulated person is started at once; each waits for its own arrival
    # time (LOAD_PACE per second), sends one month and leaves.
    LOAD_PACE="$rate" locust "$name" "$from:$((from + users))" 3 $((users + 3)) 50 \
        "$max_seconds" 1:3
    rushes+=("$name,$rate,$started_at,$(( $(date +%s) - start ))")
    # Let a cron run still going finish before the next phase reads.
    sleep 5
}
rush paced "$pace" "$first"
rush burst "$burst" $((first + users))
kill "$memory_pid" && wait "$memory_pid" 2>/dev/null || true
memory_pid=""
kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=""
grep -E " (ERROR|CRITICAL) " "$log" | head -20 || true
grep -c "Request timed out" "$log" || true

step "Audit and figures"
"$PYTHON" bench/load/audit.py --work "$work" --rushes "${rushes[@]}" \
    --users "$users" --workers "$workers" --log "$log" \
    -- "${odoo_args[@]}" --log-level=warn --logfile="$log"
