#!/usr/bin/env bash
# The web UI in a real browser: serves the demo data (real router, encoder and llama-server; no mocks) from a
# temporary home and runs tests/browser/ui_test.py in headless Chromium from Debian, driven by Playwright from PyPI
# (in .venv-browser; Playwright's own browser download is never used). Covers sign-in, the inbox, a ticket page,
# the streamed and cited draft with an edit recorded, analytics by role, the Models page (challenger, shadow,
# forced promotion, rollback), and no console errors or CSP violations.
# Screenshots go to test-artifacts/browser/. Installs what is missing first (Debian chromium, the venv).
# LOCALTRIAGE is the binary (make test sets it); BROWSER_TEST_PORT picks the port (default: a free one).
set -euo pipefail
cd "$(dirname "$0")/.."
LT="${LOCALTRIAGE:?set LOCALTRIAGE to the localtriage binary (make test does)}"
STARTED=$(date +%s)
step() { echo "== browser test [$(( $(date +%s) - STARTED )) s]: $*"; }

SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
if ! command -v chromium >/dev/null; then
    step "installing Debian's chromium (once)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# The real binary, not the /usr/bin/chromium shell wrapper (which adds desktop flags and checks /dev/shm).
CHROMIUM=/usr/lib/chromium/chromium
[ -x "$CHROMIUM" ] || CHROMIUM=$(command -v chromium)
if ! .venv-browser/bin/python -c 'import playwright' 2>/dev/null; then
    step "creating .venv-browser with playwright from PyPI (once)"
    python3 -m venv .venv-browser
    .venv-browser/bin/pip install -q --disable-pip-version-check "playwright>=1.40,<2"
fi

HOME_DIR=$(mktemp -d)
export LOCALTRIAGE_HOME="$HOME_DIR"
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    rm -rf "$HOME_DIR"
}
trap cleanup EXIT

step "demo data into $HOME_DIR: knowledge base, tickets, router, routing"
"$LT" ingest kb demo/kb >/dev/null
"$LT" ingest tickets demo/tickets.jsonl >/dev/null
"$LT" train router --data demo/tickets.jsonl --text-field body >/dev/null
"$LT" triage --stored >/dev/null
# A second, TF-IDF-only version: registered beside the champion, for the Models page's promote and roll back.
"$LT" train router --data demo/tickets.jsonl --text-field body --no-embeddings >/dev/null
key() { "$LT" keys create --name "browser-$1" --role "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'; }
AGENT_KEY=$(key agent)
LEAD_KEY=$(key lead)
ADMIN_KEY=$(key admin)

PORT="${BROWSER_TEST_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
step "starting localtriage serve on 127.0.0.1:$PORT with the supervised llama-server"
"$LT" serve --port "$PORT" >"$HOME_DIR/serve.log" 2>&1 &
SERVER=$!
ready=""
# A debug build on a busy 2-core machine takes minutes before it listens (it encodes the claim detector's training
# sentences and loads the indexes); a release build takes seconds.
for _ in $(seq 420); do
    if ! kill -0 "$SERVER" 2>/dev/null; then echo "localtriage serve exited:" >&2; cat "$HOME_DIR/serve.log" >&2; exit 1; fi
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AGENT_KEY" "http://127.0.0.1:$PORT/readyz" || true)
    if [ "$code" = 200 ]; then ready=1; break; fi
    sleep 1
done
if [ -z "$ready" ]; then
    echo "/readyz did not answer 200 within 420 s (last: $code):" >&2; cat "$HOME_DIR/serve.log" >&2; exit 1
fi

step "server ready; running tests/browser/ui_test.py in headless Chromium"
status=0
LT_URL="http://127.0.0.1:$PORT" LT_AGENT_KEY="$AGENT_KEY" LT_LEAD_KEY="$LEAD_KEY" LT_ADMIN_KEY="$ADMIN_KEY" LT_CHROMIUM="$CHROMIUM" \
    LT_ARTIFACTS=test-artifacts/browser .venv-browser/bin/python tests/browser/ui_test.py || status=$?
if [ "$status" != 0 ]; then echo "--- the end of the server's log:" >&2; tail -n 40 "$HOME_DIR/serve.log" >&2; fi
step "done (exit $status)"
exit "$status"
