#!/usr/bin/env bash
# Regenerates the upgrade scripts that lead to the current version (Cargo.toml), one for each
# pair of hand-written parts sql/upgrade/FROM--VERSION.{before,after}.sql:
#   scripts/upgrade_sql.sh            writes sql/rls_fixer--FROM--VERSION.sql   (make upgrade-sql)
#   scripts/upgrade_sql.sh --check    exits 1 with a diff when a committed one is out of date
# The replayed part comes from the install script of the current sources (`cargo pgrx schema`,
# which builds the library first); see scripts/upgrade_sql.py. Scripts to older versions are
# released files and are never regenerated.
#
# Environment: PG_MAJOR (default 15), PG_CONFIG (default: Debian's for 15).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in ""|--check) ;; *) echo "usage: $0 [--check]" >&2; exit 2;; esac
PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config}"
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

VERSION="$(awk '/^\[/{sec=$0} sec=="[package]" && /^version *=/{gsub(/[" ]/,""); sub(/^version=/,""); print; exit}' Cargo.toml)"
[ -n "$VERSION" ] || { echo "upgrade_sql: no version in Cargo.toml" >&2; exit 1; }
mapfile -t froms < <(find sql/upgrade -maxdepth 1 -name "*--${VERSION}.before.sql" -printf '%f\n' 2>/dev/null \
                     | sed "s/--${VERSION}\.before\.sql\$//" | sort -V)
if [ "${#froms[@]}" -eq 0 ]; then
  echo "upgrade_sql: no sql/upgrade/*--${VERSION}.before.sql: no upgrade script leads to ${VERSION}" >&2
  exit 1
fi

tmp="$(mktemp -d /tmp/rls_fixer-upgrade-sql.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
# the install script of the current sources, exactly as `cargo pgrx install` writes it
cargo pgrx schema "pg${PG_MAJOR}" --pg-config "$PG_CONFIG" --no-default-features --features "pg${PG_MAJOR}" \
  -o "$tmp/install.sql" >"$tmp/schema.log" 2>&1 || { cat "$tmp/schema.log" >&2; exit 1; }
rc=0
for from in "${froms[@]}"; do
  python3 scripts/upgrade_sql.py "$tmp/install.sql" "$from" "$VERSION" ${mode:+"$mode"} || rc=1
done
exit $rc
