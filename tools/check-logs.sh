#!/usr/bin/env bash
# Fails when daemon logs hold personal data or secrets: a full card number (12 digits in a row),
# a key secret (uck_…), a Vpoint code or a member's name from the test and demo data.
# usage: tools/check-logs.sh DIR...
set -euo pipefail
found=0
files=$(find "$@" -name '*.log' -type f 2>/dev/null || true)
if [ -z "$files" ]; then
    echo "check-logs: no daemon logs found in $*" >&2
    exit 1
fi
count=$(echo "$files" | wc -l)
# Names and Vpoint codes used by the test fixtures and demo/ (a sample is enough to catch a leak path).
patterns='(^|[^0-9])[0-9]{12}([^0-9]|$)|uck_[0-9]+_[0-9a-f]|VPNGOC02|VPAN0001|VPDMKM7R|Nguyễn|Trần Thị|Ngọc'
if echo "$files" | xargs grep -E -n "$patterns" >/tmp/check-logs.$$ 2>/dev/null; then
    echo "check-logs: personal data or secrets in daemon logs:" >&2
    head -20 /tmp/check-logs.$$ >&2
    found=1
fi
rm -f /tmp/check-logs.$$
lines=$(echo "$files" | xargs cat | wc -l)
echo "check-logs: $count daemon logs, $lines lines, $( [ $found -eq 0 ] && echo clean || echo LEAKS )" >&2
exit $found
