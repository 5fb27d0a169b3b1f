#!/usr/bin/env bash
# Idempotent machine set-up for rls_fixer: installs only what is missing.
# Debian 12, run as root (or with sudo available). Safe to run on every `make`.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PGRX_VERSION="0.18.1"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# The machine has been seen with /dev/null replaced by a regular file; initdb then fails.
if [ ! -c /dev/null ]; then
  say "/dev/null is not a character device: recreating it"
  $SUDO rm -f /dev/null
  $SUDO mknod -m 666 /dev/null c 1 3
fi

# Debian packages: the server, headers for pgrx, clang for bindgen, sudo for --runas,
# and the real neighbours the integration tests use.
PKGS=(
  "postgresql-${PG_MAJOR}" "postgresql-server-dev-${PG_MAJOR}" "postgresql-contrib"
  "postgresql-${PG_MAJOR}-cron" "pgbouncer"
  libclang-dev clang sudo pkg-config libssl-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # the packaged postgresql/pgbouncer services are not used: our clusters are private
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts a default cluster on 5432 when postgresql is installed; we never use it.

# cargo-pgrx, pinned: pgrx 0.19 needs a newer rustc than this machine has.
if ! command -v cargo >/dev/null 2>&1; then
  # shellcheck disable=SC1091
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
if ! cargo pgrx --version 2>/dev/null | grep -q "${PGRX_VERSION}"; then
  say "installing cargo-pgrx ${PGRX_VERSION} (takes a few minutes, once)"
  cargo install cargo-pgrx --version "${PGRX_VERSION}" --locked
fi

# pgrx points at the system PostgreSQL (no private build).
PGRX_HOME="${PGRX_HOME:-$HOME/.pgrx}"
if ! grep -qs "^pg${PG_MAJOR} *= *\"${PG_CONFIG}\"" "${PGRX_HOME}/config.toml"; then
  say "cargo pgrx init --pg${PG_MAJOR} ${PG_CONFIG}"
  cargo pgrx init "--pg${PG_MAJOR}" "${PG_CONFIG}" >/dev/null
fi

# Python tools for the integration tests (Django, psycopg2, pytest) in a private venv.
VENV="${RLS_FIXER_VENV:-/opt/rls_fixer-venv}"
if [ ! -x "${VENV}/bin/python" ]; then
  say "creating Python venv ${VENV}"
  python3 -m venv "${VENV}"
fi
if ! "${VENV}/bin/python" -c 'import django, psycopg2, pytest' 2>/dev/null; then
  say "installing Django, psycopg2-binary, pytest into ${VENV}"
  "${VENV}/bin/pip" install -q 'django>=4.2,<6' 'psycopg2-binary>=2.9' 'pytest>=7'
fi
say "ok"
