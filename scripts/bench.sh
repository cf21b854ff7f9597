#!/usr/bin/env bash
# Runs the benchmarks on ../shared data with a release build and keeps each JSON result in bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
LT="${LOCALTRIAGE:?set LOCALTRIAGE to the localtriage binary (make bench does)}"
SHARED="${LOCALTRIAGE_SHARED:-../shared}"
if [ ! -d "$SHARED/data" ]; then
    echo "bench: $SHARED/data is absent; the benchmarks need the shared data sets" >&2
    exit 1
fi
mkdir -p bench-results
"$LT" bench ingest "$SHARED/data/banking77/train.csv" --runs 5 --json | tee bench-results/ingest-banking77.json
