#!/usr/bin/env bash
# `make security-test`: the live daemon against openapi.yaml, a few minutes at most.
#  1. a throwaway PostgreSQL cluster (tools/dev-cluster.sh, own directory and port), migrated,
#     demo/ loaded, keys issued with unioncardctl;
#  2. the debug unioncardd on a free loopback port;
#  3. tools/validate-openapi.py: real requests for every outcome, answers checked against the spec;
#  4. schemathesis (PyPI) generating requests from the spec: 0 server errors, 0 answers that
#     violate the spec (bounded by --max-examples per operation and a time limit);
#  5. the database stopped: the 503 answers checked against the spec.
# Everything started here is stopped on exit. Python packages live in .build/security-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

work=.build/security-test
venv=.build/security-venv
python=${PYTHON:-python3}
st_max_examples=${ST_MAX_EXAMPLES:-40}
st_seconds=${ST_SECONDS:-90}  # ST_MAX_EXAMPLES, ST_SECONDS, ST_CHECKS tune the schemathesis run

log() { echo "security-test: $*" >&2; }

# Python tools: schemathesis, jsonschema, PyYAML in a private virtual environment.
if ! "$venv/bin/python" -c 'import schemathesis, jsonschema, yaml, referencing' 2>/dev/null; then
    log "installing schemathesis, jsonschema and PyYAML into $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        'schemathesis>=4.0,<5' 'jsonschema>=4.18' 'PyYAML>=6'
fi

bin=$(swift build --show-bin-path)
for executable in unioncardd unioncardctl; do
    [ -x "$bin/$executable" ] || { log "build first (make build): $bin/$executable missing"; exit 2; }
done

free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

rm -rf "$work"
mkdir -p "$work"
export UNIONCARD_DEV_PGPORT
UNIONCARD_DEV_PGPORT=$(free_port)
daemon_pid=
cleanup() {
    if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
    tools/dev-cluster.sh stop "$work" || true
    rm -rf "$(readlink -f "$work/pgdata" 2>/dev/null || echo "$work/pgdata")"
}
trap cleanup EXIT

log "PostgreSQL on port $UNIONCARD_DEV_PGPORT"
tools/dev-cluster.sh start "$work"
conninfo=$(tools/dev-cluster.sh conninfo "$work")
ctl() { "$bin/unioncardctl" --database "$conninfo user=postgres" "$@"; }
ctl migrate
for kind in units partners members agreements; do ctl import "$kind" "demo/$kind.csv" 2>/dev/null; done
issue() { ctl key issue "$@" --label security-test 2>/dev/null; }
merchant=$(issue --partner COOPMART)
fuzzing=$(issue --partner COOPMART)
lavong=$(issue --partner LAVONG)
vinmec=$(issue --partner VINMEC)
pharmacity=$(issue --partner PHARMACITY)
auditor=$(issue --auditor LDLD-HN)
revoked=$(issue --partner COOPMART)
ctl key revoke "$(cut -d_ -f2 <<<"$revoked")" >/dev/null 2>&1
# FAHASA gets its own rate of 1 lookup a minute, so that its key meets the 429 (the partner
# rate applies even with the default rate off).
psql=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql
"$psql" -X -q "$conninfo user=postgres" -c "UPDATE partners SET rate_limit_per_minute = 1 WHERE code = 'FAHASA'"
limited=$(issue --partner FAHASA)

# Rate limit and lockout off (keys the daemon ignores until they exist): schemathesis sends
# hundreds of unknown codes, which is what the lockout is there to stop.
UNIONCARD_RATE_LIMIT_PER_MINUTE=0 UNIONCARD_LOCKOUT_THRESHOLD=0 UNIONCARD_THREADS=8 \
    "$bin/unioncardd" --listen 127.0.0.1:0 --database "$conninfo user=unioncard_app" 2>"$work/daemon.log" &
daemon_pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*msg=listening.* port=\([0-9]*\).*/\1/p' "$work/daemon.log" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; log "unioncardd exited"; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/daemon.log" >&2; log "unioncardd did not start"; exit 1; }
url=http://127.0.0.1:$port
for _ in $(seq 1 50); do curl -fs "$url/readyz" >/dev/null && break; sleep 0.2; done
log "unioncardd at $url"

keys=(--key "merchant=$merchant" --key "lavong=$lavong" --key "vinmec=$vinmec"
    --key "pharmacity=$pharmacity" --key "auditor=$auditor" --key "revoked=$revoked" --key "limited=$limited")
status=0
"$venv/bin/python" tools/validate-openapi.py --spec openapi.yaml --url "$url" "${keys[@]}" || status=1

# Operations this build does not have yet (built on other branches) are left out.
exclude=()
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $fuzzing" "$url/v1/events")" = 404 ] &&
    exclude+=(--exclude-path-regex '^/v1/events') && log "schemathesis: /v1/events* not in this build, skipped"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/metrics")" = 404 ] &&
    exclude+=(--exclude-path /metrics) && log "schemathesis: /metrics not in this build, skipped"

log "schemathesis: at most $st_max_examples examples per operation, $st_seconds s"
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance
checks+=,response_schema_conformance,negative_data_rejection,unsupported_method,ignored_auth
checks=${ST_CHECKS:-$checks}  # e.g. ST_CHECKS=all to explore
# Run inside $work: schemathesis keeps a cache of failures in ./.schemathesis. The hooks file
# works around a CPython thread-safety bug in ast.parse that two workers can hit.
root=$(pwd)
(cd "$work" && SCHEMATHESIS_HOOKS="$root/tools/schemathesis-hooks.py" timeout --signal=INT --kill-after=20 $((st_seconds + 60)) \
    "$root/$venv/bin/schemathesis" run "$root/openapi.yaml" --url "$url" \
    --header "Authorization: Bearer $fuzzing" \
    --checks "$checks" --phases examples,coverage,fuzzing \
    --max-examples "$st_max_examples" --max-time "$st_seconds" --seed 20261203 \
    --workers 2 --request-timeout 10 --suppress-health-check all \
    --report junit --report-junit-path schemathesis-junit.xml \
    "${exclude[@]}") || status=1

"$venv/bin/python" tools/validate-openapi.py --spec openapi.yaml --url "$url" "${keys[@]}" \
    --outage-only --outage-command "tools/dev-cluster.sh stop $work" || status=1

if grep -E 'level=(error)' "$work/daemon.log" >&2; then
    log "the daemon logged errors (above)"
    status=1
fi
[ "$status" -eq 0 ] && log "passed" || log "FAILED (daemon log: $work/daemon.log)"
exit "$status"
