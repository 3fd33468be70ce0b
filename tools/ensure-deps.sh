#!/usr/bin/env bash
# Installs (as root) or names (otherwise) the Debian packages unioncard needs to build, test and run.
set -euo pipefail

packages=(libmicrohttpd-dev libgnutls28-dev libpq-dev postgresql pkg-config tzdata curl openssl python3 python3-venv)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "missing packages; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "swift is not on PATH (expected /opt/swift/usr/bin)" >&2
    exit 1
fi
