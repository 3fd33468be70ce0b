#!/usr/bin/env bash
# `make systemd-check`: the units in systemd/ load cleanly and the service is hardened.
#  1. `systemd-analyze verify` on unioncardd.socket and unioncardd.service, offline, in a
#     scratch root (nothing is installed on this machine): systemd's own units are copied there
#     and every program an Exec*= line names gets an empty stand-in, because verify checks that
#     they exist and are executable.
#  2. `systemd-analyze security --offline=true` on the service: the overall exposure must be
#     ≤ UNIONCARD_SECURITY_MAX (default 2.0). Checked twice on purpose: by systemd's own
#     --threshold (exit status) and by parsing the printed figure, so that a change in either
#     the output format or the flag's meaning fails loudly instead of passing silently.
set -euo pipefail
cd "$(dirname "$0")/.."
max=${UNIONCARD_SECURITY_MAX:-2.0}

if ! command -v systemd-analyze >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing systemd (for systemd-analyze)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends systemd >/dev/null
    else
        echo "systemd-analyze missing; run: sudo apt-get install -y systemd" >&2
        exit 1
    fi
fi
export SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat
echo "$(systemd-analyze --version | head -n 1)" >&2

root=$(mktemp -d /tmp/unioncard-systemd-check.XXXXXX)
trap 'rm -rf "$root"' EXIT
units=""
for dir in /usr/lib/systemd/system /lib/systemd/system; do
    if [ -d "$dir" ]; then units=$dir; break; fi
done
[ -n "$units" ] || { echo "no systemd unit directory found" >&2; exit 1; }
mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system"
cp -a "$units" "$root/usr/lib/systemd/"
cp systemd/unioncardd.service systemd/unioncardd.socket "$root/etc/systemd/system/"
# Stand-ins for /usr/local/bin/unioncardd, /bin/kill, …: Exec*=[-@:+!]/path args
sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\(\/[^ ]*\).*/\1/p' systemd/unioncardd.service | sort -u |
    while read -r program; do
        mkdir -p "$root$(dirname "$program")"
        printf '#!/bin/sh\n' >"$root$program"
        chmod 755 "$root$program"
    done

status=0
echo "systemd-analyze verify unioncardd.socket unioncardd.service" >&2
# verify exits 0 on an unknown key or a bad value ("…, ignoring."): any output is a failure.
if ! findings=$(systemd-analyze verify --root="$root" unioncardd.socket unioncardd.service 2>&1) ||
    [ -n "$findings" ]; then
    printf '%s\n' "$findings" >&2
    echo "FAIL: systemd-analyze verify" >&2
    status=1
fi

# --threshold takes tenths: 2.0 → 20.
threshold=$(awk -v max="$max" 'BEGIN { printf "%d", max * 10 + 0.5 }')
set +e
report=$(systemd-analyze security --offline=true --threshold="$threshold" --no-pager \
    systemd/unioncardd.service 2>&1)
security_status=$?
set -e
if grep -q 'ignoring' <<<"$report"; then
    echo "FAIL: systemd-analyze security ignored a line of the unit (see above)" >&2
    status=1
fi
# The findings that cost something (✗ lines), then the overall line.
grep -v '^✓' <<<"$report" >&2 || true
score=$(sed -n 's/.*Overall exposure level for unioncardd\.service: *\([0-9][0-9]*\.[0-9]\).*/\1/p' <<<"$report")
if [ -z "$score" ]; then
    echo "FAIL: cannot find the overall exposure level in systemd-analyze's output" >&2
    exit 1
fi
if awk -v score="$score" -v max="$max" 'BEGIN { exit !(score <= max) }'; then
    echo "security exposure $score ≤ $max" >&2
else
    echo "FAIL: security exposure $score > $max" >&2
    status=1
fi
if [ "$security_status" -ne 0 ]; then
    echo "FAIL: systemd-analyze security --threshold=$threshold exited $security_status" >&2
    status=1
fi
exit "$status"
