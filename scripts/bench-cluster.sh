#!/usr/bin/env bash
# The cluster under load and losing a replica (make bench-cluster): scripts/cluster.sh in a temporary folder
# (PostgreSQL, two replicas without a model server, nginx), then
#  - wrk through nginx for 60 s, 32 connections, 2 threads: triage of stored tickets by id and hybrid KB search,
#    alternating; one replica is killed with SIGKILL at 30 s. Failed requests (non-2xx and socket errors) are
#    reported per second, before, during (the 5 s after the kill) and after the switchover;
#  - propagation between the replicas, directly on their ports (scripts/cluster-propagation.py): a ticket created
#    through A until similar search on B finds it, a promotion made through A until B answers with it.
# Results go to bench-results/cluster.json.
set -euo pipefail
cd "$(dirname "$0")/.."
LT="${LOCALTRIAGE:?set LOCALTRIAGE to the localtriage binary (make bench-cluster does)}"
SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
command -v wrk >/dev/null || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; }
mkdir -p bench-results
DIR=$(mktemp -d /tmp/localtriage-cluster.XXXXXX)
chmod 755 "$DIR"
PORT="${BENCH_CLUSTER_PORT:-18790}"
CLUSTER_DIR="$DIR/cluster" CLUSTER_PG_DIR="$DIR/postgres" CLUSTER_PORT="$PORT" CLUSTER_SERVE="--no-llm" \
    LOCALTRIAGE="$LT" scripts/cluster.sh >"$DIR/cluster.log" 2>&1 &
CLUSTER=$!
trap 'kill $CLUSTER 2>/dev/null; wait $CLUSTER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 900); do [ -s "$DIR/cluster/env" ] && break; kill -0 $CLUSTER 2>/dev/null || break; sleep 1; done
[ -s "$DIR/cluster/env" ] || { cat "$DIR/cluster.log" >&2; echo "bench-cluster: the cluster did not come up" >&2; exit 1; }
# shellcheck disable=SC1091
. "$DIR/cluster/env"
read -r PORT_A PORT_B <<<"$REPLICA_PORTS"
read -r PID_A _ <<<"$REPLICA_PIDS"

# A second router version, for the promotions (TF-IDF only: quick to train).
CHAMPION=$(LOCALTRIAGE_STORE="$STORE" "$LT" models list --home "$DIR/cluster/admin" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["champion"])')
SECOND=$(LOCALTRIAGE_STORE="$STORE" "$LT" train router --data demo/tickets.jsonl --text-field body --no-embeddings \
    --home "$DIR/cluster/admin" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
python3 -c 'import json, sys, urllib.parse
with open(sys.argv[2], "w") as ids, open(sys.argv[3], "w") as queries:
    for line in open(sys.argv[1]):
        t = json.loads(line)
        print(t["ticket_id"], file=ids)
        print(urllib.parse.quote(t.get("subject") or t["body"][:80]), file=queries)' demo/tickets.jsonl "$DIR/ids.txt" "$DIR/queries.txt"

echo "== propagation between the replicas (5 rounds each)" >&2
PROPAGATION=$(python3 scripts/cluster-propagation.py "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" "$KEY" "$CHAMPION" "$SECOND" 5)
echo "$PROPAGATION" >&2

echo "== wrk through nginx: 60 s, 32 connections; replica A (pid $PID_A) killed with SIGKILL at 30 s" >&2
LT_KEY="$KEY" LT_IDS="$DIR/ids.txt" LT_QUERIES="$DIR/queries.txt" LT_START=$(date +%s) \
    wrk -t2 -c32 -d5s -s scripts/wrk-cluster.lua "$URL" >/dev/null  # warm-up
START=$(date +%s)
(sleep 30; kill -9 "$PID_A"; date +%s >"$DIR/killed_at") &
LT_KEY="$KEY" LT_IDS="$DIR/ids.txt" LT_QUERIES="$DIR/queries.txt" LT_START=$START \
    wrk -t2 -c32 -d60s --timeout 10s -s scripts/wrk-cluster.lua "$URL" | tee "$DIR/wrk.txt" >&2
KILLED=$(( $(cat "$DIR/killed_at") - START ))
python3 - "$DIR/wrk.txt" "$KILLED" "$PROPAGATION" >bench-results/cluster.json <<'EOF'
import json, sys
wrk = json.loads(next(l for l in open(sys.argv[1]) if l.startswith("WRK_JSON "))[len("WRK_JSON "):])
killed = int(sys.argv[2])
by_second = {int(s): n for s, n in wrk.pop("failures_by_second").items()}
window = 5
print(json.dumps({
    "connections": 32, "seconds": 60, "mix": "triage by id and hybrid search, alternating, through nginx",
    "killedReplicaAtSecond": killed, **wrk,
    "failedBeforeKill": sum(n for s, n in by_second.items() if s < killed),
    "failedDuringSwitchover": sum(n for s, n in by_second.items() if killed <= s < killed + window),
    "failedAfterSwitchover": sum(n for s, n in by_second.items() if s >= killed + window),
    "switchoverWindowSeconds": window,
    "failuresBySecond": dict(sorted(by_second.items())),
    "propagation": json.loads(sys.argv[3]),
}, indent=2))
EOF
cat bench-results/cluster.json
