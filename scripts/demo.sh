#!/usr/bin/env bash
# Brings LocalTriage up on the demo data (a fictional product, Orbitask): ingests its knowledge base and
# tickets into the embedded store, routes them, searches and drafts a cited reply with the local LLM. Safe to run again: ingest is idempotent.
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
echo "== Draft a reply with the local LLM (llama-server starts, drafts, stops); every citation is checked"
"$LT" draft --text "The desktop app stopped syncing after I updated it this morning. What should I do?"
echo
echo "Try: $LT search \"your question\"  or  $LT draft --text \"a ticket\"   (LOCALTRIAGE_HOME=$LOCALTRIAGE_HOME)"
