#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (scripts/postgres.sh in a temporary folder) whose URL is in
# LOCALTRIAGE_TEST_POSTGRES_URL; the cluster is stopped and removed when the command ends, however it ends.
# With LOCALTRIAGE_TEST_POSTGRES_URL already set (a server of your own), the command runs against that one.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
if [ -n "${LOCALTRIAGE_TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi
scripts="$(cd "$(dirname "$0")" && pwd)"
# Under /tmp: as root the cluster runs as an unprivileged user, who must be able to reach the folder.
dir="$(mktemp -d /tmp/localtriage-test-pg.XXXXXX)"
chmod 755 "$dir"
cleanup() { "$scripts/postgres.sh" stop "$dir/pg" || true; rm -rf "$dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s.%N)
LOCALTRIAGE_TEST_POSTGRES_URL="$("$scripts/postgres.sh" start "$dir/pg")"
export LOCALTRIAGE_TEST_POSTGRES_URL
echo "with-postgres: PostgreSQL for the tests on ${LOCALTRIAGE_TEST_POSTGRES_URL##*@} (started in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $started }") s)"
"$@"
