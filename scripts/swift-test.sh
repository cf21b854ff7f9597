#!/usr/bin/env bash
# `swift test ARGS…` with its output line-buffered (a CI log then shows every test as it starts and ends) and kept
# in test-artifacts/swift-test.log, under a deadline (SWIFT_TEST_MINUTES, default 50; the whole suite takes about
# 25 on two cores). Past the deadline the run and everything it started are stopped, and the tests that started
# but never ended are named: a hung test fails the run with its name instead of holding CI until its own limit.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
log=test-artifacts/swift-test.log
minutes="${SWIFT_TEST_MINUTES:-50}"
: >"$log"
setsid stdbuf -oL -eL swift test "$@" >"$log" 2>&1 &
run=$!
(sleep "${minutes}m"; touch "$log.timeout"; kill -TERM -- "-$run"; sleep 30; kill -KILL -- "-$run") 2>/dev/null &
watchdog=$!
trap 'kill -TERM -- "-$run" 2>/dev/null; kill "$watchdog" 2>/dev/null' EXIT
tail -n +1 -f --pid="$run" "$log"
wait "$run"
status=$?
kill "$watchdog" 2>/dev/null
if [ -e "$log.timeout" ]; then
    rm -f "$log.timeout"
    echo "swift-test: stopped after $minutes min; started and never ended:" >&2
    comm -23 <(grep -oE '◇ Test [^ ]+\(' "$log" | sort -u) <(grep -oE '[✔✘] Test [^ ]+\(' "$log" | sed -E 's/^[✔✘]/◇/' | sort -u) >&2
    exit 124
fi
exit "$status"
