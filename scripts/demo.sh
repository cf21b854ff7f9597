#!/usr/bin/env bash
# Brings LocalTriage up on the demo data (a fictional product, Orbitask): ingests its knowledge base and
# tickets into the embedded store, routes them, searches, mines and approves saved answers, drafts cited replies for
# three open tickets, then serves the API and web UI (DEMO_SERVE=0 stops before serving; DEMO_PORT picks the port).
# Safe to run again: ingest and mining are idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
LT="${LOCALTRIAGE:?set LOCALTRIAGE to the localtriage binary (make demo does)}"
export LOCALTRIAGE_HOME="${DEMO_HOME:-.localtriage}"

echo "== LocalTriage demo — home: $LOCALTRIAGE_HOME"
echo
echo "== Knowledge base (demo/kb)"
"$LT" ingest kb demo/kb
echo
echo "== Tickets (demo/tickets.jsonl)"
"$LT" ingest tickets demo/tickets.jsonl
echo
echo "== More tickets with other column names, mapped by demo/tickets.mapping.json"
"$LT" ingest tickets demo/tickets.csv --mapping demo/tickets.mapping.json
echo
echo "== A file with bad rows: they are quarantined with their line and reason, nothing else is lost"
"$LT" ingest tickets demo/bad_tickets.csv
echo
"$LT" stats --runs 4
echo
echo "== Train the router on the demo tickets (category and priority), then route every stored ticket"
"$LT" train router --data demo/tickets.jsonl --text-field body
"$LT" triage --stored
echo
echo "== Route a new ticket"
"$LT" triage --text "Since this morning nobody in our company can sign in through Okta, error ORB-SSO-01"
for query in "desktop app stopped syncing after update" "how do I get an invoice for my company" "enable SSO with Okta"; do
    echo
    echo "== search: \"$query\""
    "$LT" search "$query" --k 3
done
echo
echo "== Similar resolved tickets, with the replies that solved them"
"$LT" similar "our laptops stopped syncing since the latest desktop update" --k 2
echo
echo "== Monitor: the last three weeks of tickets against the months before — drift checks and emerging themes"
echo "   (exit 3 means drift; the server shows this run on /metrics and the analytics page)"
"$LT" monitor --recent-days 21 --from-newest --reference store || [ $? -eq 3 ]
echo
echo "== Saved answers: candidates mined from the resolved tickets' replies (customer details become {{placeholders}};"
echo "   sentences that report what was done for one customer are left out), then approved — in a real team a lead"
echo "   reviews them first, on the web UI's Answers page"
"$LT" answers mine
"$LT" answers approve --all-candidates --reason "demo: approved without review"
echo
echo "== Drafts for three open tickets no answer was mined from (billing, sync, access); every citation is checked and"
echo "   nothing done for another customer is promised"
for ticket in ORB-10046 HD-20006 ORB-10003; do
    echo
    echo "-- $ticket"
    "$LT" draft --ticket "$ticket"
done
echo
if [ "${DEMO_SERVE:-1}" = "0" ]; then
    echo "Try: $LT serve   (LOCALTRIAGE_HOME=$LOCALTRIAGE_HOME)"
    exit 0
fi
PORT="${DEMO_PORT:-8080}"
KEY=$("$LT" keys create --name "demo admin" --role admin --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
echo "== LocalTriage is starting on http://127.0.0.1:$PORT  (web UI: /ui/inbox, API docs: /docs)"
echo "   admin key (shown once; paste it on the sign-in page, or send it as Authorization: Bearer …):"
echo "   $KEY"
echo "   Ctrl-C stops the server (and a model server it started)."
exec "$LT" serve --port "$PORT"
