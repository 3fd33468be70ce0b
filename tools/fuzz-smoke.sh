#!/usr/bin/env bash
# `make fuzz-smoke`: runs the libFuzzer target of fuzz/ (request parsing: codes, query strings,
# JSON bodies) for SECONDS (default 60) from the committed seed corpus fuzz/corpus/.
# New inputs go to a throwaway directory, so the committed corpus only changes by hand
# (see fuzz/README.md). Exit 1 and the crashing input under .build/fuzz/ when anything crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
fuzzer=fuzz/.build/debug/RequestParsingFuzzer
[ -x "$fuzzer" ] || { echo "build it first: make fuzz-build" >&2; exit 2; }
work=$(mktemp -d /tmp/unioncard-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p .build/fuzz
# -rss_limit_mb: the parsers must stay small; -timeout: any single input over 10 s is a hang.
status=0
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix=.build/fuzz/ "$work" fuzz/corpus >.build/fuzz/last-run.log 2>&1 ||
    status=$?
grep -E '^(INFO: seed corpus|Done |stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|.*Precondition failed|.*Fatal error|.*Test unit written)' \
    .build/fuzz/last-run.log || true
if [ "$status" -ne 0 ]; then
    tail -n 40 .build/fuzz/last-run.log >&2
    echo "fuzz-smoke: the fuzzer failed (exit $status); the input is under .build/fuzz/" >&2
    exit 1
fi
echo "fuzz-smoke: 0 crashes in ${seconds} s"
