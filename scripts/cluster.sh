#!/usr/bin/env bash
# LocalTriage scaled out on one machine: PostgreSQL with pgvector (scripts/postgres.sh), the demo data loaded into it
# once from an admin home (scripts/demo.sh without serving), two `localtriage serve` replicas each with an empty
# home of its own, and nginx (Debian) in front of them as the load balancer, all on loopback. Prints the URL and an
# admin key, then waits; Ctrl-C (or SIGTERM) stops the replicas, nginx and PostgreSQL.
#   CLUSTER_DIR    the cluster's folder: the homes, logs, nginx's configuration (default .cluster)
#   CLUSTER_PG_DIR PostgreSQL's folder (default CLUSTER_DIR/postgres; as root /var/lib/localtriage-pg/cluster)
#   CLUSTER_PORT   nginx's port (default 8090); the replicas listen on the next two
#   CLUSTER_SERVE  extra `serve` options of both replicas (e.g. --no-llm)
# Writes CLUSTER_DIR/env (URL, KEY, the replicas' ports and pids) for scripts that drive the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
LT="${LOCALTRIAGE:?set LOCALTRIAGE to the localtriage binary (make cluster does)}"
DIR="$(mkdir -p "${CLUSTER_DIR:-.cluster}" && cd "${CLUSTER_DIR:-.cluster}" && pwd)"
PORT="${CLUSTER_PORT:-8090}"
PORTS=("$((PORT + 1))" "$((PORT + 2))")
SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] ||
    { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null 2>&1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -z "${PG_DIR:-}" ] || scripts/postgres.sh stop "$PG_DIR" || true
}
trap stop EXIT
trap 'exit 130' INT TERM

# As root PostgreSQL runs as an unprivileged user, who may not reach CLUSTER_DIR (a clone under /root).
PG_DIR="${CLUSTER_PG_DIR:-$([ "$(id -u)" = 0 ] && echo /var/lib/localtriage-pg/cluster || echo "$DIR/postgres")}"
mkdir -p "$(dirname "$PG_DIR")" && chmod 755 "$(dirname "$PG_DIR")"
export LOCALTRIAGE_STORE="$(scripts/postgres.sh start "$PG_DIR")"
echo "== PostgreSQL: ${LOCALTRIAGE_STORE%%:*}://…@${LOCALTRIAGE_STORE##*@}"
"$LT" store migrate --home "$DIR/admin" >/dev/null

echo "== The demo data, loaded once into PostgreSQL from an admin home ($DIR/admin)"
DEMO_HOME="$DIR/admin" DEMO_SERVE=0 LOCALTRIAGE="$LT" scripts/demo.sh >"$DIR/demo.log" 2>&1 ||
    { tail -20 "$DIR/demo.log" >&2; echo "cluster: loading the demo data failed (log: $DIR/demo.log)" >&2; exit 1; }
KEY=$("$LT" keys create --name "cluster admin" --role admin --home "$DIR/admin" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

replica_pids=()
for i in 0 1; do
    home="$DIR/replica-$((i + 1))"
    rm -rf "$home" && mkdir -p "$home"  # stateless: each start begins with an empty home
    # shellcheck disable=SC2086  # CLUSTER_SERVE is a list of options
    "$LT" serve --home "$home" --port "${PORTS[$i]}" ${CLUSTER_SERVE:-} >"$DIR/replica-$((i + 1)).log" 2>&1 &
    pids+=("$!"); replica_pids+=("$!")
done

mkdir -p "$DIR/nginx/tmp" && chmod 777 "$DIR/nginx/tmp"
cat >"$DIR/nginx/nginx.conf" <<EOF
# Written by scripts/cluster.sh. A replica that refuses or drops a connection is marked down for 10 s (passive
# checks: nginx has no active ones without its commercial module); the request is retried on the other replica,
# POSTs included: triage and ticket intake by id are idempotent.
$([ "$(id -u)" = 0 ] && echo "user nobody nogroup;")
worker_processes 1;
daemon off;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DIR/nginx/tmp/body;
    proxy_temp_path $DIR/nginx/tmp/proxy;
    fastcgi_temp_path $DIR/nginx/tmp/fastcgi;
    uwsgi_temp_path $DIR/nginx/tmp/uwsgi;
    scgi_temp_path $DIR/nginx/tmp/scgi;
    upstream localtriage {
        server 127.0.0.1:${PORTS[0]} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:${PORTS[1]} max_fails=1 fail_timeout=10s;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$PORT;
        client_max_body_size 64m;
        location / {
            proxy_pass http://localtriage;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_next_upstream error timeout http_502 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 1s;
            proxy_read_timeout 300s;
            proxy_buffering off;  # drafts stream as server-sent events
        }
    }
}
EOF
"$NGINX" -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" &
pids+=("$!")

for port in "${PORTS[@]}" "$PORT"; do
    for _ in $(seq 180); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "cluster: nothing answers on port $port (logs in $DIR)" >&2; exit 1; }
done
cat >"$DIR/env" <<EOF
URL=http://127.0.0.1:$PORT
KEY=$KEY
REPLICA_PORTS="${PORTS[*]}"
REPLICA_PIDS="${replica_pids[*]}"
STORE=$LOCALTRIAGE_STORE
EOF
echo "== LocalTriage cluster on http://127.0.0.1:$PORT (nginx → replicas on ${PORTS[0]} and ${PORTS[1]}, PostgreSQL)"
echo "   web UI: /ui/inbox   admin key (shown once): $KEY"
echo "   Ctrl-C stops the replicas, nginx and PostgreSQL. Logs: $DIR"
wait "${pids[@]}"
