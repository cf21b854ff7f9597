# LocalTriage — the two commands a newcomer needs are `make demo` and `make test`.
# Both install what they need (scripts/setup.sh: Debian packages, the Python venv with the model packages and
# llama-server) while Swift builds (scripts/build.sh runs the two side by side).
# SWIFT_SCRATCH=DIR keeps Swift build products outside the clone (CI uses it as a cache).

SHELL := /bin/bash
SWIFT_FLAGS := $(if $(SWIFT_SCRATCH),--scratch-path $(SWIFT_SCRATCH),)
DEMO_HOME ?= .localtriage

.PHONY: setup build release test demo cluster bench bench-server bench-cluster clean

setup:
	@./scripts/setup.sh

build:
	@SWIFT_SCRATCH="$(SWIFT_SCRATCH)" ./scripts/build.sh

release:
	@SWIFT_SCRATCH="$(SWIFT_SCRATCH)" ./scripts/build.sh -c release

## Run the product on the embedded default with the demo data.
demo: release
	@LOCALTRIAGE="$$(swift build -c release $(SWIFT_FLAGS) --show-bin-path)/localtriage" \
		DEMO_HOME="$(DEMO_HOME)" ./scripts/demo.sh

## Run it scaled out with the demo data: PostgreSQL + pgvector, two stateless replicas, nginx in front (loopback).
cluster: release
	@LOCALTRIAGE="$$(swift build -c release $(SWIFT_FLAGS) --show-bin-path)/localtriage" ./scripts/cluster.sh

## Run the whole test suite (unit, integration and CLI tests; shared data sets when ../shared is present; the
## PostgreSQL store's tests on a throwaway cluster, scripts/with-postgres.sh), then the
## web UI in headless Chromium against the real server (scripts/browser-test.sh; screenshots in test-artifacts/browser/).
test: build
	./scripts/with-postgres.sh ./scripts/swift-test.sh $(SWIFT_FLAGS)
	@LOCALTRIAGE="$$(swift build $(SWIFT_FLAGS) --show-bin-path)/localtriage" ./scripts/browser-test.sh

## Run the benchmarks on ../shared data (release build); JSON results go to bench-results/.
bench: release
	@LOCALTRIAGE="$$(swift build -c release $(SWIFT_FLAGS) --show-bin-path)/localtriage" ./scripts/bench.sh

## Load-test the HTTP API (wrk) and fuzz it from its OpenAPI document (schemathesis); results in bench-results/.
bench-server: release
	@LOCALTRIAGE="$$(swift build -c release $(SWIFT_FLAGS) --show-bin-path)/localtriage" ./scripts/bench-server.sh

## The cluster under load while one replica is killed, and how fast replicas see each other's changes.
bench-cluster: release
	@LOCALTRIAGE="$$(swift build -c release $(SWIFT_FLAGS) --show-bin-path)/localtriage" ./scripts/bench-cluster.sh

clean:
	rm -rf .build $(DEMO_HOME)
