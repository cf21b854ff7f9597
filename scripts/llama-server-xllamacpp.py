"""llama-server from the prebuilt xllamacpp wheel (PyPI): llama.cpp's own HTTP server, started in-process.

Takes the llama-server flags LocalTriage passes (Sources/LLM/LlamaServer.swift) and serves the same API:
/health, /v1/chat/completions with SSE streaming and the `grammar`, `seed` and `stop` fields. Stops on SIGTERM
or SIGINT at once. scripts/setup.sh runs it as .venv/bin/llama-server.
"""
import argparse
import os
import signal
import sys
import threading

import xllamacpp


def main():
    parser = argparse.ArgumentParser(prog="llama-server", description=__doc__)
    parser.add_argument("-m", "--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("-t", "--threads", type=int, default=os.cpu_count())
    parser.add_argument("-c", "--ctx-size", type=int, default=4096)
    parser.add_argument("-np", "--parallel", type=int, default=1)
    parser.add_argument("--no-jinja", action="store_true")
    parser.add_argument("--chat-template")
    parser.add_argument("--no-webui", action="store_true")
    options = parser.parse_args()

    params = xllamacpp.CommonParams()
    params.model.path = options.model
    params.hostnames = [options.host]
    params.port = options.port
    params.cpuparams.n_threads = options.threads
    params.cpuparams_batch.n_threads = options.threads
    params.n_ctx = options.ctx_size
    params.n_parallel = options.parallel
    params.use_jinja = not options.no_jinja
    if options.chat_template:
        params.chat_template = options.chat_template
    params.ui = not options.no_webui

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    server = xllamacpp.Server(params)  # listens on host:port; /health answers 200 once the model is loaded
    print(f"llama-server (xllamacpp {xllamacpp.__version__}) listening on {server.listening_address}", flush=True)
    stop.wait()
    # Deleting the server waits for requests in flight; like llama-server on SIGTERM, end now.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
