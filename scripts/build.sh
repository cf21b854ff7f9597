#!/usr/bin/env bash
# `swift build ARGS` with scripts/setup.sh alongside, so a fresh clone waits for the slower of the two, not both:
# the Debian packages install while SwiftPM resolves the dependencies (the compile needs their headers), then the
# Python part (venv, models, llama-server) runs while Swift compiles. SWIFT_SCRATCH=DIR as in the Makefile.
# Fails when either fails; setup's lines are prefixed "setup|".
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=(); [ -n "${SWIFT_SCRATCH:-}" ] && scratch=(--scratch-path "$SWIFT_SCRATCH")

./scripts/setup.sh system &
system=$!
swift package "${scratch[@]}" resolve
wait "$system"

./scripts/setup.sh python > >(sed -u 's/^/setup| /') 2>&1 &
python=$!
status=0
swift build "${scratch[@]}" "$@" || status=$?
wait "$python" || { echo "build.sh: scripts/setup.sh python failed" >&2; exit 1; }
exit "$status"
