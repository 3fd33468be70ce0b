# unioncard — the two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: run test build release lint format deps clean bench bench-smoke

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

## unioncardd against the HTTP bound and the per-request database bound, one table (bench/run).
## MEMBERS=12000000 for the scale run; BENCH_SECONDS per run (default 15).
bench: release
	bench/run

## The same in seconds on tiny data (CI): asserts only that it ran and printed the table.
bench-smoke: release
	BENCH_SMOKE=1 bench/run

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

format:
	swift format --in-place --recursive Package.swift Sources Tests

clean:
	tools/dev-cluster.sh stop .run
	rm -rf .build .run
