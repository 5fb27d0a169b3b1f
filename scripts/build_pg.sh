#!/usr/bin/env bash
# A private PostgreSQL MAJOR built from source, for testing rls_fixer on majors Debian 12 does not
# ship (its own 15 is never touched). Cached outside the repo and reused while it is complete.
#   scripts/build_pg.sh MAJOR              build (or reuse) $RLS_FIXER_PG_ROOT/MAJOR
#   scripts/build_pg.sh --pg-config MAJOR  print the pg_config path for MAJOR (system 15, else private); no build
#
# Source: Debian's orig tarball of postgresql-MAJOR, fetched with `apt-get source --download-only`
# through a private, temporary apt configuration (sid; trixie and trixie-security for 17): the
# system's apt sources, lists and cache stay as they are. Debian's patches are not applied.
# Fallback: shared/vendor/postgresql-MAJOR_*.orig.tar.* (18.6 is there). Also installed into the
# prefix: contrib pg_stat_statements and citext, and pg_cron from shared/vendor.
# No source reachable (17 here: its files 404): a "SKIP" message and exit 0 without a prefix, so a
# caller can test for "$(scripts/build_pg.sh --pg-config MAJOR)" and skip.
#
# Environment: RLS_FIXER_PG_ROOT (/opt/rls_fixer-pg), RLS_FIXER_VENDOR (shared/vendor beside the
# repo, else /work/shared/vendor), RLS_FIXER_PG_REBUILD=1 (ignore the cache), RLS_FIXER_PG_JOBS (nproc).
set -euo pipefail
umask 022

PG_ROOT="${RLS_FIXER_PG_ROOT:-/opt/rls_fixer-pg}"
if [ "${1:-}" = --pg-config ]; then
  major="${2:?usage: build_pg.sh --pg-config MAJOR}"
  if [ "$major" = 15 ]; then echo "/usr/lib/postgresql/15/bin/pg_config"; else echo "$PG_ROOT/$major/bin/pg_config"; fi
  exit 0
fi
MAJOR="${1:?usage: build_pg.sh MAJOR | --pg-config MAJOR}"
case "$MAJOR" in
  1[6-9]|[2-9][0-9]) ;;
  15) echo "[build_pg] PostgreSQL 15 is Debian 12's own package (scripts/setup.sh installs it); nothing to build"; exit 0 ;;
  *) echo "[build_pg] unsupported major '$MAJOR' (16 and later)" >&2; exit 2 ;;
esac

REPO="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${RLS_FIXER_VENDOR:-}" ]; then VENDOR="$RLS_FIXER_VENDOR"
elif [ -d "$REPO/../shared/vendor" ]; then VENDOR="$(cd "$REPO/../shared/vendor" && pwd)"
else VENDOR=/work/shared/vendor; fi
PREFIX="$PG_ROOT/$MAJOR"
PG_CONFIG="$PREFIX/bin/pg_config"
STAMP="$PREFIX/.rls_fixer-build"
LOGS="$PG_ROOT/logs"
JOBS="${RLS_FIXER_PG_JOBS:-$(nproc)}"
PG_CRON_VERSION=1.6.7
PG_CRON_ARCHIVE="$VENDOR/pg_cron-$PG_CRON_VERSION.tar.gz"
CONTRIB=(pg_stat_statements citext file_fdw)   # file_fdw: regress 11_more_checks
# sha256 of the vendored archives (shared/vendor/README.md); Debian's downloads are checked by apt
declare -A SHA256=(
  [postgresql-18_18.6.orig.tar.bz2]=555610c24d53e4316da5b7d3fc25c279d96856d5e0e23ee308c328c5fa881d9f
  [pg_cron-1.6.7.tar.gz]=6684ba135a8de3663af5eddbae354a080b37d2f28f2c1801eeab3bbbb4c39f6a
)

T0=$(date +%s)
say() { printf '[build_pg %s +%ss] %s\n' "$MAJOR" "$(( $(date +%s) - T0 ))" "$*"; }
die() { say "ERROR: $*" >&2; exit 1; }
# run_logged NAME CMD...: the command's output goes to $LOGS/MAJOR-NAME.log, its tail to stderr on failure
run_logged() {
  local name="$1" log="$LOGS/$MAJOR-$1.log"; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "$name failed (full log: $log)"
  fi
}

# the server and pg_cron as this script builds them (the contrib modules aside)
server_complete() {
  local v lib
  [ -x "$PG_CONFIG" ] && [ -f "$STAMP" ] || return 1
  v="$("$PG_CONFIG" --version 2>/dev/null)" || return 1
  case "$v" in "PostgreSQL $MAJOR."*) ;; *) return 1 ;; esac
  [ "$(sed -n 's/^version=//p' "$STAMP")" = "$v" ] || return 1
  [ "$(sed -n 's/^pg_cron=//p' "$STAMP")" = "$PG_CRON_VERSION" ] || return 1
  lib="$("$PG_CONFIG" --pkglibdir)"
  [ -f "$lib/pg_cron.so" ] && [ -x "$lib/pgxs/src/test/regress/pg_regress" ] && [ -x "$PREFIX/bin/initdb" ]
}
# contrib modules of CONTRIB not installed yet
missing_contrib() {
  local lib m
  lib="$("$PG_CONFIG" --pkglibdir)"
  for m in "${CONTRIB[@]}"; do [ -f "$lib/$m.so" ] || echo "$m"; done
}
complete() { server_complete && [ -z "$(missing_contrib)" ]; }

mkdir -p "$PG_ROOT" "$LOGS"
chmod 755 "$PG_ROOT"
# one build per major at a time (two `make` runs may start set-up together)
exec 9>"$PG_ROOT/.build-$MAJOR.lock"
flock 9

if [ "${RLS_FIXER_PG_REBUILD:-0}" != 1 ] && complete; then
  say "reusing $PREFIX ($("$PG_CONFIG" --version), pg_cron $PG_CRON_VERSION)"
  exit 0
fi
# a cached server that lacks only contrib modules added to CONTRIB since: those alone, from the
# same source, with PGXS against the installed server (seconds, not a rebuild)
ADD_CONTRIB=()
if [ "${RLS_FIXER_PG_REBUILD:-0}" != 1 ] && server_complete; then
  mapfile -t ADD_CONTRIB < <(missing_contrib)
fi

# ---------------------------------------------------------------- build dependencies
need=()
for p in gcc make libc6-dev bison flex libreadline-dev zlib1g-dev pkg-config perl bzip2 xz-utils \
         debian-archive-keyring ca-certificates; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  say "installing build dependencies: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

BUILD="$(mktemp -d /var/tmp/rls_fixer-pg"$MAJOR"-build.XXXXXX)"
APT_DIR=""
cleanup() {
  local rc=$?
  [ -z "$APT_DIR" ] || rm -rf "$APT_DIR"
  if [ $rc -eq 0 ]; then rm -rf "$BUILD"; else echo "[build_pg $MAJOR] build tree kept in $BUILD" >&2; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- source
# Debian's orig tarball through a private apt configuration in $APT_DIR; prints its path, or fails
debian_source() {
  local suites=(sid) s line
  [ "$MAJOR" != 17 ] || suites=(trixie trixie-security)
  mkdir -p "$APT_DIR/etc" "$APT_DIR/state/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/dl"
  : >"$APT_DIR/state/status"
  for s in "${suites[@]}"; do
    line="deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian"
    case "$s" in *-security) line+="-security" ;; esac
    echo "$line $s main"
  done >"$APT_DIR/etc/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$APT_DIR/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State=$APT_DIR/state" -o "Dir::State::status=$APT_DIR/state/status"
              -o "Dir::Cache=$APT_DIR/cache" -o Acquire::Languages=none)
  # apt downloads as the unprivileged _apt user where it exists
  if id _apt >/dev/null 2>&1; then
    chown -R _apt "$APT_DIR/state/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/dl"
  else
    opts+=(-o APT::Sandbox::User=root)
  fi
  say "apt-get source postgresql-$MAJOR (private apt config: ${suites[*]})" >&2
  if ! apt-get "${opts[@]}" -q update >"$LOGS/$MAJOR-apt.log" 2>&1; then
    grep -E '^(E|W):' "$LOGS/$MAJOR-apt.log" | head -5 >&2
    return 1
  fi
  if ! (cd "$APT_DIR/dl" && apt-get "${opts[@]}" -q source --download-only "postgresql-$MAJOR") >>"$LOGS/$MAJOR-apt.log" 2>&1; then
    grep -E '^E:' "$LOGS/$MAJOR-apt.log" | head -5 >&2
    return 1
  fi
  local f
  f="$(find "$APT_DIR/dl" -maxdepth 1 -name "postgresql-${MAJOR}_*.orig.tar.*" ! -name '*.asc' | head -n1)"
  [ -n "$f" ] || return 1
  echo "$f"
}

vendor_source() {
  local f
  f="$(find "$VENDOR" -maxdepth 1 -name "postgresql-${MAJOR}_*.orig.tar.*" ! -name '*.asc' 2>/dev/null | sort -V | tail -n1)"
  [ -n "$f" ] || return 1
  check_sha "$f" || return 1
  echo "$f"
}

check_sha() {
  local want="${SHA256[$(basename "$1")]:-}"
  if [ -z "$want" ]; then say "note: no recorded sha256 for $(basename "$1")" >&2; return 0; fi
  [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$want" ] || { say "sha256 mismatch: $1" >&2; return 1; }
}

t=$(date +%s)
APT_DIR="$(mktemp -d /tmp/rls_fixer-apt.XXXXXX)"
chmod 755 "$APT_DIR"
if TARBALL="$(debian_source)"; then
  SOURCE="debian:$(basename "$TARBALL")"
else
  say "Debian's source of postgresql-$MAJOR is not reachable (see above and $LOGS/$MAJOR-apt.log)"
  if TARBALL="$(vendor_source)"; then
    SOURCE="vendor:$(basename "$TARBALL")"
  else
    say "SKIP: no source for PostgreSQL $MAJOR (Debian's files are not served here and $VENDOR has no postgresql-${MAJOR}_*.orig.tar.*); nothing built"
    exit 0
  fi
fi
say "source: $TARBALL"
tar -xf "$TARBALL" -C "$BUILD"
SRC="$(find "$BUILD" -mindepth 1 -maxdepth 1 -type d -name 'postgresql-*' | head -n1)"
[ -n "$SRC" ] || die "no postgresql-* directory in $TARBALL"
T_FETCH=$(( $(date +%s) - t ))
say "fetched and unpacked in ${T_FETCH}s: $(basename "$SRC")"

if [ "${#ADD_CONTRIB[@]}" -gt 0 ]; then
  for c in "${ADD_CONTRIB[@]}"; do
    run_logged "contrib-$c" make -C "$SRC/contrib/$c" USE_PGXS=1 PG_CONFIG="$PG_CONFIG" -j"$JOBS" install
  done
  chmod -R a+rX "$PREFIX"
  complete || die "$PREFIX is incomplete after adding contrib ${ADD_CONTRIB[*]}"
  say "added contrib ${ADD_CONTRIB[*]} to $PREFIX in $(( $(date +%s) - T0 ))s"
  exit 0
fi

# ---------------------------------------------------------------- PostgreSQL
rm -rf "$PREFIX"   # an incomplete or outdated build: start clean
t=$(date +%s)
say "configure --prefix=$PREFIX --without-icu"
(cd "$SRC" && run_logged configure ./configure --prefix="$PREFIX" --without-icu)
say "make -j$JOBS (a few minutes)"
(cd "$SRC" && run_logged make make -j"$JOBS")
(cd "$SRC" && run_logged install make install)
for c in "${CONTRIB[@]}"; do
  (cd "$SRC" && run_logged "contrib-$c" make -C "contrib/$c" -j"$JOBS" install)
done
T_PG=$(( $(date +%s) - t ))
say "PostgreSQL built and installed in ${T_PG}s: $("$PG_CONFIG" --version) (+ contrib ${CONTRIB[*]})"

# ---------------------------------------------------------------- pg_cron
t=$(date +%s)
[ -f "$PG_CRON_ARCHIVE" ] || die "missing $PG_CRON_ARCHIVE"
check_sha "$PG_CRON_ARCHIVE" || die "refusing $PG_CRON_ARCHIVE"
tar -xzf "$PG_CRON_ARCHIVE" -C "$BUILD"
run_logged pg_cron make -C "$BUILD/pg_cron-$PG_CRON_VERSION" -j"$JOBS" PG_CONFIG="$PG_CONFIG"
run_logged pg_cron-install make -C "$BUILD/pg_cron-$PG_CRON_VERSION" PG_CONFIG="$PG_CONFIG" install
T_CRON=$(( $(date +%s) - t ))
say "pg_cron $PG_CRON_VERSION built and installed in ${T_CRON}s"

# the postgres user runs initdb and the servers from here
chmod -R a+rX "$PREFIX"
{
  echo "version=$("$PG_CONFIG" --version)"
  echo "source=$SOURCE"
  echo "pg_cron=$PG_CRON_VERSION"
  echo "built=$(date -u '+%Y-%m-%dT%H:%M:%SZ')"
  echo "seconds_fetch=$T_FETCH"
  echo "seconds_postgres=$T_PG"
  echo "seconds_pg_cron=$T_CRON"
} >"$STAMP"
complete || die "$PREFIX is incomplete after the build"
say "done in $(( $(date +%s) - T0 ))s (fetch ${T_FETCH}s, PostgreSQL ${T_PG}s, pg_cron ${T_CRON}s): $PG_CONFIG"
