#!/usr/bin/env bash
# A private PostgreSQL cluster for `make run`: tools/dev-cluster.sh start|stop|conninfo DIR
# Data lives in DIR/pgdata (DIR is .run/). PostgreSQL refuses to run as root, so as root the
# cluster runs as the `postgres` user; when that user cannot reach DIR (e.g. a checkout under
# /root), DIR/pgdata is a symlink to a directory under /var/tmp.
set -euo pipefail

action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
port=${UNIONCARD_DEV_PGPORT:-55432}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data="$dir/pgdata"
if [ ! -e "$data" ]; then
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir"; then
        target=$(mktemp -d /var/tmp/unioncard-run.XXXXXX)
        ln -s "$target" "$data"
    else
        mkdir -p "$data"
    fi
    [ "$(id -u)" -eq 0 ] && chown postgres: "$(readlink -f "$data")"
    chmod 700 "$(readlink -f "$data")"
fi
data=$(readlink -f "$data")
socket="$data/socket"

case "$action" in
start)
    if [ ! -f "$data/PG_VERSION" ]; then
        echo "creating a PostgreSQL cluster in $data" >&2
        as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_owner mkdir -p "$socket"
    if ! as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
            -o "-p $port -k $socket -c listen_addresses=''" start >/dev/null
    fi
    as_owner "$bindir/psql" -X -q -h "$socket" -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'unioncard'" | grep -q 1 ||
        as_owner "$bindir/createdb" -h "$socket" -p "$port" -U postgres unioncard
    ;;
stop)
    as_owner "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    ;;
conninfo)
    echo "host=$socket port=$port dbname=unioncard"
    ;;
*)
    echo "usage: $0 start|stop|conninfo DIR" >&2
    exit 2
    ;;
esac
