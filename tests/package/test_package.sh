#!/usr/bin/env bash
# Proves the Debian package from scripts/package.sh without touching the machine's PostgreSQL:
#   tests/package/test_package.sh [path/to/postgresql-15-rls-fixer_*.deb]   (default: newest in dist/)
#
# 1. the package's metadata: name, version, architecture, Depends (postgresql-N, libc6, and,
#    checked after unpacking, the package of every NEEDED library), root-owned files with
#    0644/0755 modes, exactly the expected files;
#    every dependency is already in postgresql-N's own dependency closure, so a machine with
#    only postgresql-N installed needs nothing more;
# 2. a throwaway root: the Debian packages postgresql-N, postgresql-client-N and libpq5
#    (apt-get download) and then ours are unpacked with `dpkg -x` into $PKGROOT; Debian's
#    PostgreSQL is relocatable (share and lib dirs are found relative to the binary), so
#    initdb/postgres/psql run from that tree load extensions from the tree only;
# 3. a cluster from the tree (user postgres, port 54350, socket under /tmp): the server's
#    SHAREDIR/PKGLIBDIR are in the tree, CREATE EXTENSION maps the tree's rls_fixer.so (read
#    from the backend's /proc/self/maps), rls_audit, rls_fix(false), and tenant isolation for a
#    non-superuser role using set_tenant_context.
# Any failure exits non-zero. The cluster is removed on exit; the tree is kept for inspection.
set -euo pipefail
cd "$(dirname "$0")/../.."

PG_MAJOR="${PG_MAJOR:-15}"
PKG="postgresql-${PG_MAJOR}-rls-fixer"
PKGROOT="${PKGROOT:-/tmp/rls_fixer-pkgroot}"
RUNDIR="${RUNDIR:-/tmp/rls_fixer-pkgtest}"
DEBCACHE="${DEBCACHE:-/tmp/rls_fixer-pkgdebs}"
PORT="${PORT:-54350}"

step() { printf '\033[1m[package-test]\033[0m %s\n' "$*"; }
fail() { printf '[package-test] FAIL: %b\n' "$*" >&2; exit 1; }

DEB="${1:-}"
if [ -z "$DEB" ]; then
  DEB="$(find dist -maxdepth 1 -name "${PKG}_*.deb" -printf '%T@ %p\n' 2>/dev/null | sort -rn | sed -n '1s/^[^ ]* //p')"
fi
if [ -z "$DEB" ]; then fail "no ${PKG}_*.deb in dist/ (run: make package)"; fi
[ -f "$DEB" ] || fail "$DEB not found"
DEB="$(readlink -f "$DEB")"
[ "$(id -u)" -eq 0 ] || fail "run as root (the cluster runs as user postgres)"
id postgres >/dev/null 2>&1 || fail "no user postgres"
[ "$PORT" != 5432 ] || fail "refusing the default port 5432"

# ---------------------------------------------------------------- 1. package metadata
step "checking $DEB"
field() { dpkg-deb -f "$DEB" "$1"; }
[ "$(field Package)" = "$PKG" ] || fail "Package is '$(field Package)', want $PKG"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$(field Architecture)'"
cargo_version="$(awk '/^\[/{sec=$0} sec=="[package]" && /^version *=/{gsub(/[" ]/,""); sub(/^version=/,""); print; exit}' Cargo.toml)"
case "$(field Version)" in "${cargo_version}"|"${cargo_version}"-*) ;; *) fail "Version $(field Version) is not Cargo's ${cargo_version}";; esac
depends="$(field Depends)"
step "Depends: $depends"
dep_names="$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/[ (].*//' | grep -v '^$')"
grep -qx "postgresql-${PG_MAJOR}" <<<"$dep_names" || fail "Depends lacks postgresql-${PG_MAJOR}: $depends"
grep -qx "libc6" <<<"$dep_names" || fail "Depends lacks libc6: $depends"
grep -q '|' <<<"$depends" && fail "unexpected alternatives in Depends: $depends"
# (grep reads captured text: `cmd | grep -q` under pipefail fails when grep exits first)
grep -qxF " Depends: $depends" <<<"$(dpkg-deb -I "$DEB")" || fail "dpkg-deb -I does not show the Depends line"

contents="$(dpkg-deb -c "$DEB")"
bad_owner="$(awk '$2 != "root/root"' <<<"$contents")"
[ -z "$bad_owner" ] || fail "files not owned by root/root:\n$bad_owner"
bad_mode="$(awk '!(($1 == "drwxr-xr-x") || ($1 == "-rw-r--r--"))' <<<"$contents")"
[ -z "$bad_mode" ] || fail "modes other than 0755 dirs / 0644 files:\n$bad_mode"
files="$(awk '$1 !~ /^d/ {print $6}' <<<"$contents" | sed 's|^\./|/|')"
want_files="/usr/lib/postgresql/${PG_MAJOR}/lib/rls_fixer.so
/usr/share/postgresql/${PG_MAJOR}/extension/rls_fixer.control
/usr/share/postgresql/${PG_MAJOR}/extension/rls_fixer--${cargo_version}.sql
/usr/share/doc/${PKG}/copyright
/usr/share/doc/${PKG}/changelog.Debian.gz"
# and every upgrade script of the sources (ALTER EXTENSION rls_fixer UPDATE from older versions)
upgrade_scripts="$(find sql -maxdepth 1 -name 'rls_fixer--*--*.sql' -printf '%f\n' | sort)"
[ -n "$upgrade_scripts" ] || fail "no sql/rls_fixer--*--*.sql in the sources"
while read -r f; do
  want_files="$want_files
/usr/share/postgresql/${PG_MAJOR}/extension/$f"
done <<<"$upgrade_scripts"
[ "$(sort <<<"$files")" = "$(sort <<<"$want_files")" ] \
  || fail "file list differs:\n$(diff <(sort <<<"$want_files") <(sort <<<"$files") || true)"

# every dependency is already pulled in by postgresql-N itself
closure="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "postgresql-${PG_MAJOR}" | grep -v '^ ' | sed 's/:.*//' | sort -u)"
while read -r dep; do
  grep -qx "$dep" <<<"$closure" || fail "dependency $dep is not in postgresql-${PG_MAJOR}'s dependency closure"
done <<<"$dep_names"
# and apt, simulating on this machine (which has postgresql-N), would install ours and nothing else
sim="$(apt-get install -s -o Debug::NoLocking=1 "$DEB" 2>&1)" || fail "apt-get install -s failed:\n$sim"
inst="$(awk '$1 == "Inst" {print $2}' <<<"$sim")"
[ "$inst" = "$PKG" ] || fail "apt-get install -s would install: ${inst:-nothing}\n$sim"
step "metadata ok: $(wc -l <<<"$files") files, root/root, 0644/0755; dependencies within postgresql-${PG_MAJOR}'s closure; apt would add only $PKG"

# ---------------------------------------------------------------- 2. the throwaway root
mkdir -p "$DEBCACHE"
debs=()
for p in "postgresql-${PG_MAJOR}" "postgresql-client-${PG_MAJOR}" libpq5; do
  ver="$(apt-cache policy "$p" | awk '$1 == "Candidate:" {print $2}')"
  if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then fail "apt has no candidate for $p (apt-get update?)"; fi
  arch="$(apt-cache show "$p=$ver" | awk '$1 == "Architecture:" {print $2; exit}')"
  f="$DEBCACHE/${p}_${ver//:/%3a}_${arch}.deb"
  if [ ! -s "$f" ] && [ -s "/var/cache/apt/archives/${f##*/}" ]; then
    cp "/var/cache/apt/archives/${f##*/}" "$f"
  fi
  if [ ! -s "$f" ]; then
    step "apt-get download $p=$ver"
    dl="$(mktemp -d)"
    chown _apt "$dl" 2>/dev/null || true   # lets apt download sandboxed
    (cd "$dl" && apt-get download -q "$p=$ver" >/dev/null) || fail "apt-get download $p=$ver"
    mv "$dl"/*.deb "$f"; rm -rf "$dl"
  fi
  debs+=("$f")
done

BIN="$PKGROOT/usr/lib/postgresql/${PG_MAJOR}/bin"
MULTIARCH="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
LIBPATH="$PKGROOT/usr/lib/$MULTIARCH"
SHARE="$PKGROOT/usr/share/postgresql/${PG_MAJOR}"
LIBDIR="$PKGROOT/usr/lib/postgresql/${PG_MAJOR}/lib"
stop_cluster() {
  if [ -f "$RUNDIR/data/postmaster.pid" ] && [ -x "$BIN/pg_ctl" ]; then
    runuser -u postgres -- env LD_LIBRARY_PATH="$LIBPATH" "$BIN/pg_ctl" -D "$RUNDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}
cleanup() {
  local rc=$?
  stop_cluster
  rm -rf "$RUNDIR"
  if [ "$rc" -ne 0 ]; then printf '[package-test] FAILED (exit %s)\n' "$rc" >&2; fi
}
trap cleanup EXIT

# one run at a time: the tree, the cluster directory and the port are fixed
exec 9>"${RUNDIR}.lock"
flock -n 9 || fail "another package test holds ${RUNDIR}.lock"
stop_cluster   # a cluster left running by a killed earlier run

step "unpacking into $PKGROOT: ${debs[*]##*/} + ${DEB##*/}"
rm -rf "$PKGROOT"
mkdir -p "$PKGROOT"
for f in "${debs[@]}"; do dpkg -x "$f" "$PKGROOT"; done
# our files must not overwrite anything of the server packages
for f in "${debs[@]}"; do
  clash="$(dpkg-deb -c "$f" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | grep -Fx -f <(echo "$files") || true)"
  [ -z "$clash" ] || fail "${f##*/} already contains: $clash"
done
dpkg -x "$DEB" "$PKGROOT"

for f in "$BIN/initdb" "$BIN/postgres" "$BIN/pg_ctl" "$BIN/psql" "$LIBPATH/libpq.so.5" \
         "$SHARE/extension/rls_fixer.control" "$LIBDIR/rls_fixer.so"; do
  [ -e "$f" ] || fail "$f missing from the tree"
done
# every library the .so is linked against belongs to a package named in Depends
so_ldd="$(ldd "$LIBDIR/rls_fixer.so")"
while read -r lib; do
  path="$(awk -v l="$lib" '$1 == l && $2 == "=>" {print $3; exit}
    substr($1, length($1) - length(l)) == "/" l {print $1; exit}' <<<"$so_ldd")"
  [ -n "$path" ] || fail "rls_fixer.so: NEEDED $lib does not resolve"
  owner="$(dpkg -S "$path" 2>/dev/null | sed -n '1s/:.*//p')" \
    || owner="$(dpkg -S "$(readlink -f "$path")" | sed -n '1s/:.*//p')"
  grep -qxF "$owner" <<<"$dep_names" || fail "rls_fixer.so needs $lib from $owner, which Depends lacks"
  step "ok: NEEDED $lib ($owner) is in Depends"
done < <(objdump -p "$LIBDIR/rls_fixer.so" | awk '$1 == "NEEDED" {print $2}')
ldd_missing="$(LD_LIBRARY_PATH="$LIBPATH" ldd "$BIN/postgres" "$BIN/psql" "$LIBDIR/rls_fixer.so" | grep 'not found' || true)"
[ -z "$ldd_missing" ] || fail "unresolved libraries: $ldd_missing"
grep -qF "libpq.so.5 => $LIBPATH/libpq.so.5" <<<"$(LD_LIBRARY_PATH="$LIBPATH" ldd "$BIN/psql")" \
  || fail "psql does not use the tree's libpq"
tree_sharedir="$(LD_LIBRARY_PATH="$LIBPATH" "$BIN/pg_config" --sharedir)"
[ "$tree_sharedir" = "$SHARE" ] || fail "the tree's pg_config --sharedir is $tree_sharedir, not $SHARE (not relocatable?)"

# ---------------------------------------------------------------- 3. a cluster from the tree
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then fail "port $PORT is in use"; fi
rm -rf "$RUNDIR"
mkdir -p "$RUNDIR/sock"
chown -R postgres:postgres "$RUNDIR"
chmod 700 "$RUNDIR"
as_pg() { runuser -u postgres -- env -u RUST_BACKTRACE -u RUST_LIB_BACKTRACE LD_LIBRARY_PATH="$LIBPATH" "$@"; }

step "initdb + start ($BIN, port $PORT, socket $RUNDIR/sock)"
as_pg "$BIN/initdb" -D "$RUNDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$RUNDIR/initdb.log" 2>&1 \
  || { cat "$RUNDIR/initdb.log" >&2; fail "initdb"; }
{
  echo "port = $PORT"
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$RUNDIR/sock'"
  echo "fsync = off"
} >> "$RUNDIR/data/postgresql.conf"
as_pg "$BIN/pg_ctl" -D "$RUNDIR/data" -l "$RUNDIR/server.log" -w -t 60 start >/dev/null \
  || { tail -n 30 "$RUNDIR/server.log" >&2; fail "server start"; }

# psql from the tree; the client environment of the caller is ignored
q() { env -u PGSERVICE -u PGDATABASE -u PGOPTIONS LD_LIBRARY_PATH="$LIBPATH" PGHOST="$RUNDIR/sock" PGPORT="$PORT" \
        "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
expect() {  # expect WHAT WANT GOT
  [ "$3" = "$2" ] || fail "$1: got '$3', want '$2'"
  step "ok: $1 = $3"
}

expect "server version" "$PG_MAJOR" "$(q -U postgres -d postgres -c 'SHOW server_version_num' | cut -c1-2)"
expect "SHAREDIR" "$SHARE" "$(q -U postgres -d postgres -c "SELECT setting FROM pg_config WHERE name = 'SHAREDIR'")"
expect "PKGLIBDIR" "$LIBDIR" "$(q -U postgres -d postgres -c "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'")"
expect "available extension" "rls_fixer|$cargo_version" \
  "$(q -U postgres -d postgres -c "SELECT name, default_version FROM pg_available_extensions WHERE name = 'rls_fixer'")"

while read -r f; do   # each packaged upgrade script is an update path the server sees
  f="${f#rls_fixer--}"; from="${f%%--*}"; to="${f#*--}"; to="${to%.sql}"
  expect "update path $from -> $to" "$from--$to" "$(q -U postgres -d postgres -c "SELECT source || '--' || target FROM pg_extension_update_paths('rls_fixer') WHERE source = '$from' AND target = '$to' AND path IS NOT NULL")"
done <<<"$upgrade_scripts"

q -U postgres -d postgres -c 'CREATE DATABASE pkgtest'

# CREATE EXTENSION, then ask that very backend which rls_fixer.so it has mapped
maps="$(q -U postgres -d pkgtest <<'SQL'
CREATE EXTENSION rls_fixer;
SELECT DISTINCT regexp_replace(line, '^.* ', '')
  FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS line
 WHERE line LIKE '%/rls_fixer.so';
SQL
)"
expect "rls_fixer.so mapped by the backend" "$LIBDIR/rls_fixer.so" "$maps"
[ ! -e /usr/lib/postgresql/"$PG_MAJOR"/lib/rls_fixer.so ] \
  || step "note: the machine also has /usr/lib/postgresql/$PG_MAJOR/lib/rls_fixer.so; it was not loaded"
expect "extension version" "$cargo_version" "$(q -U postgres -d pkgtest -c "SELECT extversion FROM pg_extension WHERE extname = 'rls_fixer'")"

q -U postgres -d pkgtest <<'SQL'
CREATE ROLE pkg_app LOGIN;
CREATE SCHEMA app AUTHORIZATION postgres;
GRANT USAGE ON SCHEMA app TO pkg_app;
CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                         tenant_id text NOT NULL, item text NOT NULL);
CREATE INDEX ON app.orders (tenant_id);
INSERT INTO app.orders (tenant_id, item)
SELECT t, t || '-' || g FROM (VALUES ('acme', 3), ('globex', 2)) AS v(t, n), generate_series(1, n) AS g;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.orders TO pkg_app;
SQL

audit_total="$(q -U postgres -d pkgtest -c 'SELECT count(*) FROM rls_audit()')"
[ "$audit_total" -gt 0 ] || fail "rls_audit() found nothing on an unprotected tenant table"
step "ok: rls_audit() returned $audit_total findings"
expect "rls_audit() errors on app.orders before the fix" "rls_disabled,rls_not_forced,tenant_policy_missing" \
  "$(q -U postgres -d pkgtest -c "SELECT string_agg(DISTINCT check_name, ',' ORDER BY check_name) FROM rls_audit() WHERE severity = 'error' AND object_name = 'app.orders'")"

fix="$(q -U postgres -d pkgtest -c 'SELECT * FROM rls_fix(false)')"
printf '%s\n' "$fix" | sed 's/^/    /'
[ -n "$fix" ] || fail "rls_fix(false) applied nothing"
grep -q '|f$' <<<"$fix" && fail "rls_fix(false) left statements unapplied"
expect "rls_audit() errors after the fix" "0" \
  "$(q -U postgres -d pkgtest -c "SELECT count(*) FROM rls_audit() WHERE severity = 'error'")"
expect "rls_fix(true) after the apply" "0" "$(q -U postgres -d pkgtest -c 'SELECT count(*) FROM rls_fix(true)')"

iso="$(q -U pkg_app -d pkgtest <<'SQL'
SELECT 'superuser=' || rolsuper FROM pg_roles WHERE rolname = current_user;
SELECT set_tenant_context('acme');
SELECT 'acme=' || count(*) || ':' || string_agg(DISTINCT tenant_id, ',') FROM app.orders;
SELECT set_tenant_context('globex');
SELECT 'globex=' || count(*) || ':' || string_agg(DISTINCT tenant_id, ',') FROM app.orders;
SELECT clear_tenant_context();
SELECT 'none=' || count(*) FROM app.orders;
SQL
)"
iso="$(grep '=' <<<"$iso" | paste -sd' ')"
expect "isolation as pkg_app" "superuser=false acme=3:acme globex=2:globex none=0" "$iso"

insert_out="$(q -U pkg_app -d pkgtest -c "SELECT set_tenant_context('acme')" \
  -c "INSERT INTO app.orders (tenant_id, item) VALUES ('globex', 'sneaky')" 2>&1 || true)"
grep -q 'violates row-level security policy' <<<"$insert_out" \
  || fail "an insert for another tenant was not refused by RLS: $insert_out"
step "ok: insert for another tenant refused ($(grep ERROR <<<"$insert_out"))"

step "stopping the cluster"
as_pg "$BIN/pg_ctl" -D "$RUNDIR/data" -m fast -w stop >/dev/null
grep -E 'PANIC|server process .* was terminated' "$RUNDIR/server.log" && fail "the server log shows a crash"
step "PASS: ${DEB##*/} installs into a postgresql-${PG_MAJOR} tree and works (tree kept at $PKGROOT)"
