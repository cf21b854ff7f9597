#!/usr/bin/env bash
# Runs the benchmarks and evaluations on ../shared data with a release build; each JSON result goes to
# bench-results/. About 32 minutes on 2 cores (drafts: 10, drift and themes: 7), plus about 10 the first time to embed the 100k-chunk search corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
LT="${LOCALTRIAGE:?set LOCALTRIAGE to the localtriage binary (make bench does)}"
SHARED="${LOCALTRIAGE_SHARED:-../shared}"
D="$SHARED/data"
if [ ! -d "$D" ]; then
    echo "bench: $D is absent; the benchmarks need the shared data sets" >&2
    exit 1
fi
OUT=bench-results
mkdir -p "$OUT"
HOME_DIR=$(mktemp -d)
trap 'rm -rf "$HOME_DIR"' EXIT
run() { local name=$1; shift; echo "== $name" >&2; "$LT" "$@" --json > "$OUT/$name.json"; }

run ingest-banking77 bench ingest "$D/banking77/train.csv" --runs 5
run embed-banking77 bench embed --data "$D/banking77/test.csv"
run search-100k bench search --chunks 100000 --data "$D" --home "${LOCALTRIAGE_HOME:-.localtriage}"  # keeps the embedded corpus
run router-banking77 bench router --data "$D/banking77/train.csv" --queries "$D/banking77/test.csv"
run retrieval-stackfaq eval retrieval --corpus "$D/stackfaq/corpus.jsonl" --queries "$D/stackfaq/queries.jsonl"
"$LT" train router --data "$D/localtriage-anchor/train.jsonl" --home "$HOME_DIR/anchor" --json > "$OUT/train-router-anchor.json"
run retrieval-anchor eval retrieval --corpus "$D/localtriage-anchor/knowledge_base_articles.json" \
    --queries "$D/localtriage-anchor/eval.jsonl" --router latest --home "$HOME_DIR/anchor"
run router-anchor eval router --data "$D/localtriage-anchor/eval.jsonl" --home "$HOME_DIR/anchor"
"$LT" train router --data "$D/banking77/train.csv" --home "$HOME_DIR/b77" --json > "$OUT/train-router-banking77.json"
run router-banking77-test eval router --data "$D/banking77/test.csv" --home "$HOME_DIR/b77"
BITEXT="$D/bitext/bitext_customer_support.csv"
run verifier-bitext eval verifier --data "$BITEXT"
run drafts-bitext eval drafts --data "$BITEXT" --n 100 --injection eval/prompt-injection.jsonl --home "$HOME_DIR/drafts"
run drift-banking77 eval drift --data "$D/banking77/train.csv" --draws 100 --window 1000
run themes-banking77 eval themes --data "$D/banking77/train.csv" --draws 20 --held-out 5 --inject 30
echo "bench: results in $OUT/" >&2
