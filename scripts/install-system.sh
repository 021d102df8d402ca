#!/usr/bin/env bash
# Installs the Debian packages the project needs beyond Python when they are missing (idempotent).
# Only the cluster profile (scripts/run-cluster.sh) needs them; `make run` and `make test` do not.
set -euo pipefail

PACKAGES=(haproxy)  # the load balancer in front of the two gateways (deploy/haproxy.cfg)

usage() {
  cat <<EOF
Usage: scripts/install-system.sh [--help]

Installs the Debian packages the cluster profile needs, if missing: ${PACKAGES[*]}.
Runs 'apt-get update' only when something is missing. Needs root (or sudo).
Exits 0 when everything is present.
EOF
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

installed() {  # true when the Debian package is installed (not merely known or removed)
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if installed "$pkg"; then
    echo "install-system: $pkg is installed"
  else
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system: nothing to do"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system: apt-get not found; please install ${missing[*]} with your system's package manager" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-system: ${missing[*]} missing; run this script as root (sudo is not available)" >&2
  exit 1
fi

echo "install-system: missing ${missing[*]}; running apt-get update"
"${as_root[@]}" apt-get update -q
echo "install-system: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-system: done"
