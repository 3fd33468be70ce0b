#!/usr/bin/env bash
# `make run`: private cluster under .run/, migrations, demo data, a demo key, then the daemon
# in the foreground on 127.0.0.1:8080. Ctrl-C stops the daemon and the cluster; the data stays.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(swift build -c release --show-bin-path)
cluster=tools/dev-cluster.sh
"$cluster" start .run
conninfo=$("$cluster" conninfo .run)
ctl() { "$bin/unioncardctl" --database "$conninfo user=postgres" "$@"; }

ctl migrate
for kind in units partners members agreements; do
    ctl import "$kind" "demo/$kind.csv"
done
if [ ! -s .run/demo-key ] || ! grep -q "^$(cut -d_ -f2 .run/demo-key)	merchant	COOPMART	.*	-$" <(ctl key list); then
    ctl key issue --partner COOPMART --label "demo terminal" >.run/demo-key
fi
key=$(cat .run/demo-key)
listen=${UNIONCARD_LISTEN:-127.0.0.1:8080}

cat <<MSG

unioncard demo — partner COOPMART, key in .run/demo-key
  curl -s -H 'Authorization: Bearer $key' 'http://$listen/v1/lookup?code=241220839498&amount=250000'
More demo codes: demo/README.md. Ctrl-C stops the daemon.

MSG
trap '"$cluster" stop .run' EXIT
"$bin/unioncardd" --listen "$listen" --database "$conninfo user=unioncard_app" || true
