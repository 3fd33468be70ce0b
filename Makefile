# unioncard — the two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: run test build release lint format deps clean systemd-check fault-test fuzz-build fuzz-smoke security-test bench bench-smoke

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

## Live checks of the HTTP API: a throwaway cluster and daemon, real answers validated against
## openapi.yaml, then schemathesis (tools/security-test.sh); then the fuzz smoke run.
security-test: build
	tools/security-test.sh
	$(MAKE) fuzz-smoke

## The libFuzzer target for the request parsers (fuzz/), instrumented with address sanitizer.
fuzz-build: deps
	cd fuzz && swift build -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v 'Cannot export local symbol'; \
	    exit $${PIPESTATUS[0]}

## 60 s of fuzzing from fuzz/corpus (FUZZ_SECONDS=600 for a longer run); 0 crashes expected.
FUZZ_SECONDS ?= 60
fuzz-smoke: fuzz-build
	tools/fuzz-smoke.sh $(FUZZ_SECONDS)

## unioncardd against the HTTP bound and the per-request database bound, one table (bench/run).
## MEMBERS=12000000 for the scale run; BENCH_SECONDS per run (default 15).
bench: release
	bench/run

## The same in seconds on tiny data (CI): asserts only that it ran and printed the table.
bench-smoke: release
	BENCH_SMOKE=1 bench/run

lint:
	swift format lint --strict --recursive Package.swift Sources Tests fuzz/Package.swift fuzz/Sources

format:
	swift format --in-place --recursive Package.swift Sources Tests fuzz/Package.swift fuzz/Sources

clean:
	tools/dev-cluster.sh stop .run
	rm -rf .build .run
