#!/usr/bin/env bash
# Idempotent machine set-up for rls_fixer: installs only what is missing.
# Debian 12, run as root (or with sudo available). Safe to run on every `make`.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PGRX_VERSION="0.18.1"
# 15 is Debian 12's own server; any other major is built from source by scripts/build_pg.sh into a
# private prefix (/opt/rls_fixer-pg/MAJOR), next to 15, which stays set up for pgrx.
PG15_CONFIG="/usr/lib/postgresql/15/bin/pg_config"
if [ "$PG_MAJOR" = 15 ]; then
  PG_CONFIG="$PG15_CONFIG"
else
  PG_CONFIG="$(bash "$(dirname "$0")/build_pg.sh" --pg-config "$PG_MAJOR")"
fi
# the Debian packages are 15's whatever the major (pgrx's config keeps 15; pgbouncer, clang, sudo)
PKG_MAJOR=15

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
  "postgresql-${PKG_MAJOR}" "postgresql-server-dev-${PKG_MAJOR}" "postgresql-contrib"
  "postgresql-${PKG_MAJOR}-cron" "pgbouncer"
  libclang-dev clang sudo pkg-config libssl-dev shellcheck
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

# Another major: PostgreSQL built from source (cached; minutes the first time, then reused),
# with contrib pg_stat_statements/citext and pg_cron, readable by the postgres user.
if [ "$PG_MAJOR" != 15 ]; then
  bash "$(dirname "$0")/build_pg.sh" "$PG_MAJOR"
  if [ ! -x "$PG_CONFIG" ]; then
    say "PostgreSQL ${PG_MAJOR} is not available here (no source reachable, see above): nothing to set up"
    exit 1
  fi
fi

# pgrx points at the system PostgreSQL 15, and at the private build for another major.
PGRX_HOME="${PGRX_HOME:-$HOME/.pgrx}"
if [ "$PG_MAJOR" = 15 ]; then
  if ! grep -qs "^pg${PG_MAJOR} *= *\"${PG_CONFIG}\"" "${PGRX_HOME}/config.toml"; then
    say "cargo pgrx init --pg${PG_MAJOR} ${PG_CONFIG}"
    cargo pgrx init "--pg${PG_MAJOR}" "${PG_CONFIG}" >/dev/null
  fi
elif ! grep -qs "^pg15 *= *\"${PG15_CONFIG}\"" "${PGRX_HOME}/config.toml" \
  || ! grep -qs "^pg${PG_MAJOR} *= *\"${PG_CONFIG}\"" "${PGRX_HOME}/config.toml"; then
  # both majors (cargo-pgrx 0.18 merges them into config.toml, keeping any other entry)
  say "cargo pgrx init --pg15 ${PG15_CONFIG} --pg${PG_MAJOR} ${PG_CONFIG}"
  cargo pgrx init --pg15 "$PG15_CONFIG" "--pg${PG_MAJOR}" "$PG_CONFIG" >/dev/null
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
