# unioncard — the two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: run test build release lint format deps clean systemd-check fault-test

deps:
	tools/ensure-deps.sh

build: deps
	swift build

release: deps
	swift build -c release --product unioncardd
	swift build -c release --product unioncardctl

## Start the daemon on demo data at 127.0.0.1:8080 (private PostgreSQL cluster under .run/).
run: release
	tools/run-demo.sh

## Every test against throwaway PostgreSQL clusters the tests start themselves.
test: build
	swift build --build-tests
	swift test --skip-build 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

## systemd/ units: `systemd-analyze verify` clean and `security --offline` exposure ≤ 2.0.
systemd-check:
	tools/systemd-check.sh

## Fault tests against the debug build (tests/fault/): kill -9 under load, PostgreSQL dying,
## graceful restarts, a soak of 1000 keep-alive connections (SOAK_SECONDS, default 300).
fault-test: build
	python3 tests/fault/run.py

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

format:
	swift format --in-place --recursive Package.swift Sources Tests

clean:
	tools/dev-cluster.sh stop .run
	rm -rf .build .run
