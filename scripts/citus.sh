#!/usr/bin/env bash
# Citus 13.2.2 on Debian's PostgreSQL 15: a one-time build and a throwaway 3-node cluster
# (coordinator + 2 workers) on one machine, owned by the `postgres` user.
#   scripts/citus.sh build     build + install citus.so into the server's lib dir (once; exit 3 when
#                              the vendored archive is absent)
#   scripts/citus.sh start     start (initdb on first use) the 3 nodes, CREATE EXTENSION citus in the
#                              database rls_citus on each, register coordinator + workers
#   scripts/citus.sh stop      stop the 3 nodes (data kept)
#   scripts/citus.sh destroy   stop and delete the 3 nodes
#   scripts/citus.sh env [coord|w1|w2]   -> prints PGHOST/PGPORT/PGUSER/PGDATABASE exports
#   scripts/citus.sh status    one line per node
# Nodes: citus-coord, citus-w1, citus-w2 on ports CITUS_PORT, +1, +2 (default 54340-54342), each in
# ${RLS_FIXER_RUN:-/tmp/rls_fixer}/NAME with data/ and sock/ (the layout of scripts/cluster.sh, which
# does initdb/start/stop).
# Environment:
#   PG_CONFIG             the server to use (its bindir and pkglibdir: a private copy of the tree
#                         works); default: Debian's PostgreSQL ${PG_MAJOR:-15}
#   CITUS_PORT            the coordinator's port; the workers take the next two (default 54340)
#   CITUS_EXTRA_PRELOAD   a second shared_preload_libraries entry (e.g. pg_cron or rls_fixer), loaded
#                         after citus (citus must come first); a running node with a different list
#                         is restarted. Empty: citus only.
#   CITUS_ARCHIVE         the source archive (default /work/shared/vendor/citus-13.2.2.tar.gz)
#   CITUS_BUILD_DIR       where it is extracted and built (default /tmp/citus-build)
set -euo pipefail
PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config}"
BIN="$("$PG_CONFIG" --bindir)"
export PG_CONFIG                        # scripts/cluster.sh starts the servers from its bindir
RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}"
CITUS_VERSION="13.2.2"
CITUS_EXT_VERSION="13.2-1"             # default_version of citus.control in 13.2.2
CITUS_ARCHIVE="${CITUS_ARCHIVE:-/work/shared/vendor/citus-${CITUS_VERSION}.tar.gz}"
CITUS_BUILD_DIR="${CITUS_BUILD_DIR:-/tmp/citus-build}"
DB="rls_citus"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODES=(coord w1 w2)
CITUS_PORT="${CITUS_PORT:-54340}"
declare -A PORT=([coord]=$CITUS_PORT [w1]=$((CITUS_PORT + 1)) [w2]=$((CITUS_PORT + 2)))

say() { printf '\033[1m[citus]\033[0m %s\n' "$*"; }
as_pg() {
  if [ "$(id -un)" = postgres ]; then bash -c "$1"; else su postgres -s /bin/bash -c "$1"; fi
}
sock() { echo "${RUN}/citus-$1/sock"; }
# psql on node $1 as postgres; the rest are psql arguments
node_psql() {
  local n="$1"; shift
  PGOPTIONS='-c client_min_messages=warning' "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(sock "$n")" -p "${PORT[$n]}" -U postgres "$@"
}

citus_installed() {
  local lib ext
  lib="$("$PG_CONFIG" --pkglibdir)/citus.so"; ext="$("$PG_CONFIG" --sharedir)/extension/citus.control"
  [ -f "$lib" ] && [ -f "$ext" ] \
    && grep -q "default_version = '${CITUS_EXT_VERSION}'" "$ext" \
    && grep -aq "Citus ${CITUS_VERSION}" "$lib"
}

cmd_build() {
  if citus_installed; then
    say "Citus ${CITUS_VERSION} already installed in $("$PG_CONFIG" --pkglibdir): nothing to do"
    return 0
  fi
  if [ ! -f "$CITUS_ARCHIVE" ]; then
    echo "SKIP: Citus source archive $CITUS_ARCHIVE not found; Citus not built" >&2
    exit 3
  fi
  local t0=$SECONDS
  # build dependencies (vendor README): only the missing ones
  local pkgs=(build-essential "postgresql-server-dev-${PG_MAJOR}" libcurl4-openssl-dev liblz4-dev
              libzstd-dev libkrb5-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev libssl-dev)
  local missing=() p
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  local src="$CITUS_BUILD_DIR/citus-${CITUS_VERSION}"
  rm -rf "$src"; mkdir -p "$CITUS_BUILD_DIR"
  tar xzf "$CITUS_ARCHIVE" -C "$CITUS_BUILD_DIR"
  # Compat fix (never in the vendored archive): Debian's 15.x headers (15.14+) declare
  # `extern bool have_createdb_privilege(void)` in commands/dbcommands.h, which clashes with Citus's
  # `static inline` copy for PG < 16. Rename the copy (unused then) so the server's function is used.
  local inc; inc="$("$PG_CONFIG" --includedir-server)"
  if grep -q 'extern bool have_createdb_privilege' "$inc/commands/dbcommands.h"; then
    sed -i 's/^have_createdb_privilege(void)$/citus_unused_have_createdb_privilege(void)/' \
      "$src/src/include/pg_version_compat.h"
    grep -q '^citus_unused_have_createdb_privilege(void)$' "$src/src/include/pg_version_compat.h" \
      || { echo "compat patch of pg_version_compat.h did not apply" >&2; exit 1; }
  fi
  say "configure + make -j$(nproc) (log: $CITUS_BUILD_DIR/build.log)"
  ( cd "$src" && ./configure PG_CONFIG="$PG_CONFIG" && make -j"$(nproc)" && make install ) \
    >"$CITUS_BUILD_DIR/build.log" 2>&1 || { tail -n 40 "$CITUS_BUILD_DIR/build.log" >&2; exit 1; }
  citus_installed || { echo "build finished but citus.so ${CITUS_VERSION} is not installed" >&2; exit 1; }
  say "Citus ${CITUS_VERSION} built and installed in $((SECONDS - t0))s"
}

# shared_preload_libraries lives in data/citus_preload.conf (included from postgresql.conf),
# rewritten on every start so CITUS_EXTRA_PRELOAD can change between starts.
preload_value() {
  if [ -n "${CITUS_EXTRA_PRELOAD:-}" ]; then echo "citus,${CITUS_EXTRA_PRELOAD}"; else echo "citus"; fi
}

cmd_start() {
  citus_installed || { echo "Citus ${CITUS_VERSION} is not installed: run scripts/citus.sh build" >&2; exit 1; }
  local t0=$SECONDS want n dir
  want="$(preload_value)"
  mkdir -p "$RUN"; chmod 755 "$RUN"
  # nodes made for other ports (CITUS_PORT changed) are made anew: pg_dist_node names the old ones
  for n in "${NODES[@]}"; do
    dir="${RUN}/citus-$n"
    if [ -f "$dir/data/postgresql.conf" ] && ! grep -q "^port = ${PORT[$n]}\$" "$dir/data/postgresql.conf"; then
      say "citus-$n was made for another port: making the 3 nodes anew on ${PORT[coord]}-${PORT[w2]}"
      cmd_destroy; break
    fi
  done
  for n in "${NODES[@]}"; do
    dir="${RUN}/citus-$n"
    if [ -f "$dir/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl -D '$dir/data' status" >/dev/null 2>&1; then
      local have
      have="$(node_psql "$n" -d postgres -Atc 'SHOW shared_preload_libraries')"
      if [ "$have" != "$want" ]; then
        say "citus-$n preloads '$have', want '$want': restarting"
        bash "$HERE/cluster.sh" stop "citus-$n"
      fi
    fi
    if [ -f "$dir/data/PG_VERSION" ]; then
      echo "shared_preload_libraries = '$want'" > "$dir/data/citus_preload.conf"
      chown postgres:postgres "$dir/data/citus_preload.conf"
    fi
    # initdb and base settings on first use come from cluster.sh (it writes the extra lines once,
    # at initdb); the inline preload line is for that first start, citus_preload.conf overrides it.
    bash "$HERE/cluster.sh" start "citus-$n" "${PORT[$n]}" \
      "shared_preload_libraries = '$want'" \
      "include_if_exists = 'citus_preload.conf'" \
      "max_prepared_transactions = 100" \
      "wal_level = logical" \
      "citus.node_conninfo = 'sslmode=prefer'" \
      "log_line_prefix = '%m [%p] %u@%d '" >/dev/null 2>"$RUN/citus-$n.start.err" \
      || { cat "$RUN/citus-$n.start.err" >&2; exit 1; }
    echo "shared_preload_libraries = '$want'" > "$dir/data/citus_preload.conf"
    chown postgres:postgres "$dir/data/citus_preload.conf"
    rm -f "$RUN/citus-$n.start.err"
  done
  for n in "${NODES[@]}"; do
    if [ "$(node_psql "$n" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
      node_psql "$n" -d postgres -c "CREATE DATABASE $DB"
    fi
    node_psql "$n" -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS citus"
  done
  node_psql coord -d "$DB" -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT citus_set_coordinator_host('localhost', ${PORT[coord]});
SELECT citus_add_node('localhost', ${PORT[w1]}) WHERE NOT EXISTS
  (SELECT 1 FROM pg_dist_node WHERE nodename = 'localhost' AND nodeport = ${PORT[w1]});
SELECT citus_add_node('localhost', ${PORT[w2]}) WHERE NOT EXISTS
  (SELECT 1 FROM pg_dist_node WHERE nodename = 'localhost' AND nodeport = ${PORT[w2]});
SQL
  local active
  active="$(node_psql coord -d "$DB" -Atc "SELECT count(*) FROM citus_get_active_worker_nodes()")"
  [ "$active" = 2 ] || { echo "expected 2 active workers, got $active" >&2; exit 1; }
  say "3-node Citus cluster up in $((SECONDS - t0))s (preload: $want): $(cmd_env coord | sed 's/^export //')"
}

cmd_stop() {
  local n
  for n in "${NODES[@]}"; do bash "$HERE/cluster.sh" stop "citus-$n"; done
}

cmd_destroy() {
  local n
  for n in "${NODES[@]}"; do bash "$HERE/cluster.sh" destroy "citus-$n"; done
}

cmd_env() {
  local n="${1:-coord}"
  [ -n "${PORT[$n]:-}" ] || { echo "unknown node $n (coord|w1|w2)" >&2; exit 2; }
  echo "export PGHOST='$(sock "$n")' PGPORT='${PORT[$n]}' PGUSER=postgres PGDATABASE=$DB"
}

cmd_status() {
  local n dir
  for n in "${NODES[@]}"; do
    dir="${RUN}/citus-$n"
    if [ -f "$dir/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl -D '$dir/data' status" >/dev/null 2>&1; then
      echo "citus-$n port ${PORT[$n]} running"
    else
      echo "citus-$n port ${PORT[$n]} stopped"
    fi
  done
}

case "${1:-}" in
  build)   cmd_build ;;
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  destroy) cmd_destroy ;;
  env)     cmd_env "${2:-coord}" ;;
  status)  cmd_status ;;
  *) echo "usage: citus.sh build|start|stop|destroy|env [coord|w1|w2]|status" >&2; exit 2 ;;
esac
