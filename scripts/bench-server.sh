#!/usr/bin/env bash
# The HTTP API under load and under generated input, on the demo data in a temporary home:
#  - wrk (Debian), 32 connections on loopback, POST /v1/triage for 30 s (after 5 s of warm-up) per router kind
#    and request kind: req/s and p50/p90/p99;
#  - schemathesis (PyPI, in .venv-bench) against the served OpenAPI document: generated requests to every
#    operation, failing on any 5xx.
# Results go to bench-results/server-load.json and bench-results/schemathesis.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
LT="${LOCALTRIAGE:?set LOCALTRIAGE to the localtriage binary (make bench-server does)}"
PORT="${BENCH_PORT:-18765}"
SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
command -v wrk >/dev/null || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; }
[ -x .venv-bench/bin/schemathesis ] || { python3 -m venv .venv-bench; .venv-bench/bin/pip install -q "schemathesis>=4,<5"; }
mkdir -p bench-results
HOME_DIR=$(mktemp -d)
export LOCALTRIAGE_HOME="$HOME_DIR"
"$LT" ingest kb demo/kb >/dev/null
"$LT" ingest tickets demo/tickets.jsonl >/dev/null
"$LT" train router --data demo/tickets.jsonl --text-field body >/dev/null
# Request bodies: each demo ticket's text (ad-hoc triage: the router embeds it), and each stored ticket's id
# (its vector comes from ingest; the prediction is recorded, one write per request).
python3 -c 'import json,sys
with open(sys.argv[2], "w") as texts, open(sys.argv[3], "w") as ids:
    for line in open(sys.argv[1]):
        t = json.loads(line)
        print(json.dumps({"text": ((t.get("subject") or "") + "\n" + t["body"]).strip()}), file=texts)
        print(json.dumps({"ticketID": t["ticket_id"]}), file=ids)' demo/tickets.jsonl "$HOME_DIR/texts.jsonl" "$HOME_DIR/ids.jsonl"
KEY=$("$LT" keys create --name bench --role admin --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
"$LT" serve --port "$PORT" --no-llm >"$HOME_DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done

# Two routers: with sentence embeddings (the default, more accurate; each triage embeds its text) and TF-IDF
# only, made champion (forced: this is a speed test) — the server follows the champion without a restart.
run_wrk() {  # router kind, request kind (texts | ids)
    echo "== wrk: POST /v1/triage ($1 router, $2), 32 connections, 2 threads, 5 s warm-up, then 30 s" >&2
    LT_KEY="$KEY" LT_BODIES="$HOME_DIR/$2.jsonl" wrk -t2 -c32 -d5s -s scripts/wrk-triage.lua "http://127.0.0.1:$PORT/v1/triage" >/dev/null
    LT_KEY="$KEY" LT_BODIES="$HOME_DIR/$2.jsonl" wrk -t2 -c32 -d30s -s scripts/wrk-triage.lua "http://127.0.0.1:$PORT/v1/triage" | tee "$HOME_DIR/wrk-$1-$2.txt" >&2
    grep '^WRK_JSON ' "$HOME_DIR/wrk-$1-$2.txt" | sed "s/^WRK_JSON {/{\"router\": \"$1\", \"requests_by\": \"$2\", /"
}
{
    echo '{"connections": 32, "seconds": 30, "runs": ['
    run_wrk embeddings texts
    echo ','
    run_wrk embeddings ids
    echo ','
    TFIDF=$("$LT" train router --data demo/tickets.jsonl --text-field body --no-embeddings --json \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
    "$LT" models promote "$TFIDF" --force --reason "load benchmark of the TF-IDF-only router" >/dev/null
    sleep 3
    run_wrk tfidf texts
    echo ']}'
} > bench-results/server-load.json

echo "== schemathesis: generated requests against /openapi.json" >&2
.venv-bench/bin/schemathesis run "http://127.0.0.1:$PORT/openapi.json" -H "Authorization: Bearer $KEY" \
    --checks not_a_server_error --max-examples "${SCHEMATHESIS_EXAMPLES:-100}" --seed 7 2>&1 | tee bench-results/schemathesis.txt >&2
