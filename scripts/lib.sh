# Shared shell functions for `make demo`, `make test` and `make bench`.
# Sourced, not run. Finds Odoo 18.0 and runs a private PostgreSQL cluster.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}

die() { printf '\n*** %s\n\n' "$*" >&2; exit 2; }

# Sets ODOO_BIN (a command array entry) and ODOO_ADDONS (Odoo's own addons folders).
find_odoo() {
    local info
    if [ -n "${ODOO_PATH:-}" ]; then
        [ -f "$ODOO_PATH/odoo/release.py" ] || die "ODOO_PATH=$ODOO_PATH is not an Odoo source tree (no odoo/release.py)."
        export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
    fi
    info=$("$PYTHON" - <<'PY' 2>/dev/null
import os, odoo, odoo.release
print(odoo.release.version_info[0])
root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
print(root)
PY
) || die "Odoo 18.0 is not installed for $PYTHON.
    Get the Odoo 18.0 sources (git clone -b 18.0 --depth 1 https://github.com/odoo/odoo),
    install its Python requirements (pip install -r requirements.txt) and either
    'pip install --no-deps -e <odoo folder>' or run with ODOO_PATH=<odoo folder>.
    See README.md, section 'What the commands presuppose'."
    local major root
    major=$(sed -n 1p <<<"$info")
    root=$(sed -n 2p <<<"$info")
    [ "$major" = 18 ] || die "Found Odoo $major at $root; this module needs Odoo 18.0."
    ODOO_ADDONS="$root/odoo/addons"
    [ -d "$root/addons" ] && ODOO_ADDONS="$root/addons,$ODOO_ADDONS"
    ODOO_CMD=("$PYTHON" -c "import sys, odoo.cli; sys.argv[0] = 'odoo'; odoo.cli.main()")
}

# Run a command as the postgres user when we are root (initdb refuses root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_pg_bin() {
    local dir
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        PG_BIN=$(dirname "$(command -v pg_ctl)")
        return
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && PG_BIN=$dir && return
    done
    die "PostgreSQL server programs (initdb, pg_ctl) not found. Install them, e.g. 'apt-get install postgresql'."
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# pg_start DIR PORT [throwaway]: create (once) and start a cluster in DIR, socket in
# DIR too. A throwaway cluster (tests, benchmark) skips durability for speed.
pg_start() {
    local dir=$1 port=$2 opts=""
    [ "${3:-}" = throwaway ] && opts="-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    find_pg_bin
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
        runuser -u postgres -- test -w "$dir" \
            || die "The postgres user cannot write to $dir: move the project to a folder it can reach."
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_pg "$PG_BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
            || die "initdb failed, see $dir.initdb.log"
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$dir" -w -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses='' $opts" \
        start >/dev/null || die "PostgreSQL did not start, see $dir/server.log"
    # Odoo refuses to connect as 'postgres': give it a role of its own.
    as_pg psql -h "$dir" -p "$port" -U postgres -q -d postgres -c \
        "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'odoo') THEN CREATE ROLE odoo LOGIN CREATEDB; END IF; END \$\$;" \
        || die "Could not create the 'odoo' database role, see $dir/server.log"
}

pg_stop() {
    local dir=$1
    [ -f "$dir/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1
    return 0
}
