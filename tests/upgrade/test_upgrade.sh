#!/usr/bin/env bash
# Upgrade from the release 0.1.0 to the current version, in place, the way an operator does it:
#   tests/upgrade/test_upgrade.sh          (make upgrade-test; PostgreSQL 15, run as root)
#
#  1. the committed upgrade scripts to the current version (sql/rls_fixer--FROM--VERSION.sql) are
#     what scripts/upgrade_sql.sh generates from the current sources;
#  2. 0.1.0 is built from its git tag (or its commit id when a clone lacks the tag), in the
#     current target dir so that its dependencies are the ones already built; the built files are
#     cached in $RLS_FIXER_CACHE (/opt/rls_fixer-cache) by commit, so a machine builds it once;
#  3. a throwaway copy of Debian's PostgreSQL 15 tree (never the system one) gets 0.1.0; a
#     cluster from it: tenant tables, an admin role, rls_check() and rls_fix(false) under 0.1.0;
#  4. the current files are installed over it (`cargo pgrx install`: the library is swapped
#     first), and sessions are exercised before ALTER EXTENSION ... UPDATE: one opened under
#     0.1.0 (old library mapped) and new ones (0.1.0's SQL calling the new library). Every C
#     function of 0.1.0 whose symbol the new library still exports must keep its exact argument
#     and result types (else old definitions would misread the new code's data); the server must
#     not restart;
#  5. ALTER EXTENSION rls_fixer UPDATE, then: version; the extension's objects and their
#     definitions (tests/upgrade/describe.sql) equal a fresh install's in another database, with
#     a diff on failure; history rows and policies unchanged; rls_audit() clean and rls_verify()
#     passing on the fixed tables; rls_undo() of the 0.1.0 run; the event trigger protecting a
#     new table; a second ALTER EXTENSION ... UPDATE changes nothing.
#
# Environment: UPGRADE_PORT (54360), RLS_FIXER_RUN (/tmp/rls_fixer; this test uses .../upgrade),
# RLS_FIXER_CACHE (/opt/rls_fixer-cache), CARGO_TARGET_DIR (./target).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"

OLD_VERSION=0.1.0
OLD_COMMIT_FALLBACK=45d1c917636d5974a182d31017d852e45a015ee1
PG_MAJOR="${PG_MAJOR:-15}"
PORT="${UPGRADE_PORT:-54360}"
RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}/upgrade"
CACHE="${RLS_FIXER_CACHE:-/opt/rls_fixer-cache}"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
FEATURES=(--no-default-features --features "pg${PG_MAJOR}")

T0=$SECONDS
step() { printf '\033[1m[upgrade-test]\033[0m %s\n' "$*"; }
fail() { printf '[upgrade-test] FAIL: %b\n' "$*" >&2; exit 1; }
ok() { step "ok: $*"; }

[ "$PG_MAJOR" = 15 ] || fail "the upgrade test runs on PostgreSQL 15 (Debian's tree), not PG_MAJOR=$PG_MAJOR"
[ "$(id -u)" -eq 0 ] || fail "run as root (the cluster runs as user postgres)"
[ "$PORT" != 5432 ] || fail "refusing the default port 5432"
SYS_BIN=/usr/lib/postgresql/15/bin
[ -x "$SYS_BIN/postgres" ] || fail "no PostgreSQL 15 in $SYS_BIN (make setup)"
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
VERSION="$(awk '/^\[/{sec=$0} sec=="[package]" && /^version *=/{gsub(/[" ]/,""); sub(/^version=/,""); print; exit}' Cargo.toml)"
[ "$VERSION" != "$OLD_VERSION" ] || fail "Cargo.toml still says $OLD_VERSION"
mapfile -t UPGRADE_SQLS < <(find sql -maxdepth 1 -name 'rls_fixer--*--*.sql' | sort -V)
[ "${#UPGRADE_SQLS[@]}" -gt 0 ] || fail "no sql/rls_fixer--*--*.sql: no way from $OLD_VERSION to $VERSION (see CONTRIBUTING.md)"

mkdir -p "$(dirname "$RUN")"
exec 9>"${RUN}.lock"
flock -n 9 || fail "another upgrade test holds ${RUN}.lock"

# ---------------------------------------------------------------- 1. the script is current
step "checking that the upgrade scripts to $VERSION are generated from the current sources"
bash scripts/upgrade_sql.sh --check || fail "an upgrade script is out of date (see the diff above): run make upgrade-sql"

# ---------------------------------------------------------------- 2. 0.1.0, built once
OLD_COMMIT="$(git rev-parse -q --verify "${OLD_VERSION}^{commit}" 2>/dev/null || true)"
if [ -z "$OLD_COMMIT" ]; then
  git cat-file -e "${OLD_COMMIT_FALLBACK}^{commit}" 2>/dev/null \
    || fail "neither the tag $OLD_VERSION nor the commit $OLD_COMMIT_FALLBACK is in this clone (git fetch --tags)"
  OLD_COMMIT="$OLD_COMMIT_FALLBACK"
fi
OLD_FILES="$CACHE/rls_fixer-${OLD_VERSION}-${OLD_COMMIT:0:12}-pg${PG_MAJOR}"
if [ ! -f "$OLD_FILES/rls_fixer.so" ]; then
  mkdir -p "$CACHE"
  exec 8>"$CACHE/.build.lock"
  flock 8
fi
if [ ! -f "$OLD_FILES/rls_fixer.so" ]; then
  step "building $OLD_VERSION ($OLD_COMMIT) into $OLD_FILES (once per machine)"
  t=$SECONDS
  src="$(mktemp -d /tmp/rls_fixer-old-src.XXXXXX)"
  git archive "$OLD_COMMIT" | tar -x -C "$src"
  # 0.1.0 had no Cargo.lock: the current one pins the same crates. Its library is renamed so it
  # never overwrites target/debug/librls_fixer.so, and the current [dependencies] it lacks are
  # added (unused) so that cargo resolves the same features and reuses every built dependency.
  [ -f "$src/Cargo.lock" ] || cp Cargo.lock "$src/Cargo.lock"
  python3 - "$src/Cargo.toml" Cargo.toml <<'PY'
import re, sys, tomllib
old_path, cur_path = sys.argv[1], sys.argv[2]
old_text = open(old_path).read()
old, cur = tomllib.loads(old_text), tomllib.load(open(cur_path, "rb"))
missing = [k for k in cur.get("dependencies", {}) if k not in old.get("dependencies", {})]
cur_lines = open(cur_path).read().splitlines()
add = [l for l in cur_lines if re.match(r"^([A-Za-z0-9_-]+)\s*=", l) and l.split("=")[0].strip() in missing]
old_text = re.sub(r"^\[dependencies\]\n", "[dependencies]\n" + "".join(l + "\n" for l in add), old_text, count=1, flags=re.M)
old_text = re.sub(r"^\[lib\]\n", '[lib]\nname = "rls_fixer_old"\n', old_text, count=1, flags=re.M)
open(old_path, "w").write(old_text)
PY
  (cd "$src" && CARGO_TARGET_DIR="$TARGET_DIR" nice -n 10 cargo pgrx schema "pg${PG_MAJOR}" \
     --pg-config "$SYS_BIN/pg_config" "${FEATURES[@]}" -o "$src/install.sql") >"$src/build.log" 2>&1 \
    || { tail -n 40 "$src/build.log" >&2; fail "building $OLD_VERSION failed (log: $src/build.log)"; }
  stage="$(mktemp -d "$CACHE/.stage.XXXXXX")"
  cp "$TARGET_DIR/debug/librls_fixer_old.so" "$stage/rls_fixer.so"
  cp "$src/install.sql" "$stage/rls_fixer--${OLD_VERSION}.sql"
  sed "s/@CARGO_VERSION@/${OLD_VERSION}/" "$src/rls_fixer.control" > "$stage/rls_fixer.control"
  echo "$OLD_COMMIT" > "$stage/COMMIT"
  chmod 755 "$stage"
  mv -T "$stage" "$OLD_FILES"
  rm -rf "$src"
  ok "$OLD_VERSION built in $((SECONDS - t)) s"
else
  ok "$OLD_VERSION from the cache $OLD_FILES"
fi
grep -qx "default_version = '${OLD_VERSION}'" "$OLD_FILES/rls_fixer.control" || fail "$OLD_FILES: bad control file"

# ---------------------------------------------------------------- 3. a tree and a cluster with 0.1.0
TREE="$RUN/tree"
BIN="$TREE/usr/lib/postgresql/15/bin"
LIBDIR="$TREE/usr/lib/postgresql/15/lib"
EXTDIR="$TREE/usr/share/postgresql/15/extension"
DATA="$RUN/data"
SOCK="$RUN/sock"
stop_cluster() {
  if [ -f "$DATA/postmaster.pid" ] && [ -x "$BIN/pg_ctl" ]; then
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}
OLD_PSQL_PID=""
cleanup() {
  local rc=$?
  if [ -n "$OLD_PSQL_PID" ]; then kill "$OLD_PSQL_PID" 2>/dev/null || true; fi
  stop_cluster
  if [ "$rc" -ne 0 ]; then
    [ -f "$RUN/log/server.log" ] && { echo "---- server log (last 30 lines)"; tail -n 30 "$RUN/log/server.log"; } >&2
    printf '[upgrade-test] FAILED (exit %s); kept %s\n' "$rc" "$RUN" >&2
  else
    rm -rf "$RUN"
  fi
}
trap cleanup EXIT
stop_cluster   # left running by a killed earlier run
rm -rf "$RUN"
mkdir -p "$TREE/usr/lib/postgresql" "$TREE/usr/share/postgresql" "$SOCK"
cp -a /usr/lib/postgresql/15 "$TREE/usr/lib/postgresql/"
cp -a /usr/share/postgresql/15 "$TREE/usr/share/postgresql/"
rm -f "$LIBDIR"/rls_fixer*.so "$EXTDIR"/rls_fixer*   # whatever `make install` left in the system tree
cp "$OLD_FILES/rls_fixer.so" "$LIBDIR/rls_fixer.so"
cp "$OLD_FILES/rls_fixer.control" "$OLD_FILES/rls_fixer--${OLD_VERSION}.sql" "$EXTDIR/"
[ "$("$BIN/pg_config" --sharedir)" = "$TREE/usr/share/postgresql/15" ] || fail "the tree's pg_config does not point into the tree"
mkdir -m 700 "$DATA"; mkdir "$RUN/log"
chown postgres:postgres "$SOCK" "$DATA" "$RUN/log"
chmod 755 "$RUN"

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then fail "port $PORT is in use"; fi
runuser -u postgres -- "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log" 2>&1 \
  || { cat "$RUN/initdb.log" >&2; fail "initdb"; }
{
  echo "port = $PORT"
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$SOCK'"
  echo "fsync = off"
  echo "log_min_messages = log"
} >> "$DATA/postgresql.conf"
runuser -u postgres -- env -u RUST_BACKTRACE -u RUST_LIB_BACKTRACE "$BIN/pg_ctl" -D "$DATA" -l "$RUN/log/server.log" -w -t 60 start >/dev/null 8>&- 9>&- \
  || fail "server start"

q() { env -u PGSERVICE -u PGOPTIONS PGHOST="$SOCK" PGPORT="$PORT" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -At -U postgres "$@"; }
expect() {  # expect WHAT WANT GOT
  [ "$3" = "$2" ] || fail "$1:\n  got:  $3\n  want: $2"
  if [ "$(wc -l <<<"$3")" -gt 1 ]; then ok "$1 ($(wc -l <<<"$3") lines, identical)"; else ok "$1 = $3"; fi
}
server_started="$(q -d postgres -c 'SELECT pg_postmaster_start_time()')"

step "database up (upgraded later) with $OLD_VERSION: tenant tables, an admin, a check and a fix"
q -d postgres -c 'CREATE DATABASE up' -c 'CREATE DATABASE fresh'
q -d postgres -c 'CREATE ROLE upg_app LOGIN' -c 'CREATE ROLE upg_admin LOGIN'
q -d up <<'SQL'
CREATE EXTENSION rls_fixer;
SET rls_fixer.on_new_tenant_table = off;
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO upg_app;
CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                         tenant_id text NOT NULL, item text NOT NULL);
CREATE INDEX ON app.orders (tenant_id);
CREATE TABLE app.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                           tenant_id text NOT NULL, amount numeric NOT NULL);
CREATE INDEX ON app.invoices (tenant_id);
INSERT INTO app.orders (tenant_id, item) VALUES ('acme', 'a1'), ('acme', 'a2'), ('globex', 'g1');
INSERT INTO app.invoices (tenant_id, amount) VALUES ('acme', 10), ('globex', 20), ('globex', 30);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO upg_app;
SELECT rls_fixer.grant_admin('upg_admin');
SQL
expect "extension version before" "$OLD_VERSION" "$(q -d up -c "SELECT extversion FROM pg_extension WHERE extname = 'rls_fixer'")"
q -d up -c 'SELECT rls_check()' >/dev/null 2>&1
fixed="$(q -d up -c 'SELECT count(*) FROM rls_fix(false) WHERE applied')"
[ "$fixed" -gt 0 ] || fail "rls_fix(false) under $OLD_VERSION applied nothing"
OLD_RUN="$(q -d up -c 'SELECT max(run_id) FROM rls_fixer.fix_run WHERE NOT dry_run')"
ok "$OLD_VERSION: rls_fix(false) applied $fixed statements as run $OLD_RUN"
expect "$OLD_VERSION: errors left on app.*" 0 "$(q -d up -c "SELECT count(*) FROM rls_audit() WHERE severity = 'error' AND object_name LIKE 'app.%'")"

# what must carry over, as text
policies_sql="SELECT string_agg(format('%s.%s rls=%s force=%s | %s', n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity,
                 coalesce((SELECT string_agg(format('%s %s %s %s using(%s) check(%s)', p.polname, p.polcmd, p.polpermissive, p.polroles::regrole[],
                                                    pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)), '; ' ORDER BY p.polname)
                             FROM pg_policy p WHERE p.polrelid = c.oid), '-')), E'\n' ORDER BY c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND c.relkind = 'r'"
# (0.1.0's columns: columns added since, such as fix_run.database_id, are NULL in old rows)
history_sql="SELECT (SELECT string_agg(format('%s', row(r.run_id, r.started_at, r.finished_at, r.session_user_name, r.dry_run,
                                                       r.batched, r.statement_count, r.undone_at, r.undone_by)),
                                       E'\n' ORDER BY r.run_id) FROM rls_fixer.fix_run r)
      || E'\n' || (SELECT string_agg(format('%s', a), E'\n' ORDER BY a.run_id, a.step) FROM rls_fixer.fix_action a)
      || E'\n' || (SELECT string_agg(format('%s %s %s %s %s %s %s', h.check_id, h.checked_at, h.session_user_name, h.error_count,
                                            h.warning_count, h.info_count, h.findings), E'\n' ORDER BY h.check_id) FROM rls_fixer.check_history h)"
POLICIES_BEFORE="$(q -d up -c "$policies_sql")"
HISTORY_BEFORE="$(q -d up -c "$history_sql")"
grep -q "tenant_id" <<<"$POLICIES_BEFORE" || fail "no tenant policy after the $OLD_VERSION fix:\n$POLICIES_BEFORE"
[ "$(wc -l <<<"$HISTORY_BEFORE")" -ge 3 ] || fail "too little history under $OLD_VERSION:\n$HISTORY_BEFORE"

# a session opened under 0.1.0 that stays open across the swap and the update
coproc OLDSESSION { env PGHOST="$SOCK" PGPORT="$PORT" "$BIN/psql" -X -At -U postgres -d up 2>&1 8>&- 9>&-; }
OLD_PSQL_PID=$OLDSESSION_PID   # bash unsets OLDSESSION_PID once the coprocess is reaped
n_old=0
OLD_OUT=""
old_session() {  # old_session SQL: its output (errors included) in OLD_OUT (no subshell: the
  n_old=$((n_old + 1))   # coprocess's descriptors are not inherited by $(...))
  printf '%s;\n\\echo __done_%s__\n' "$1" "$n_old" >&"${OLDSESSION[1]}"
  local line
  OLD_OUT=""
  while IFS= read -r -t 60 line <&"${OLDSESSION[0]}"; do
    [ "$line" = "__done_${n_old}__" ] && return 0
    OLD_OUT="${OLD_OUT:+$OLD_OUT$'\n'}$line"
  done
  fail "the session opened under $OLD_VERSION stopped answering (last output: $OLD_OUT)"
}
old_session 'SELECT pg_backend_pid()'
OLD_PID="$OLD_OUT"
old_session "SELECT count(*) FROM rls_audit() WHERE severity = 'error' AND object_name LIKE 'app.%'"
expect "$OLD_VERSION session (pid $OLD_PID): rls_audit() errors on app.*" 0 "$OLD_OUT"

# ---------------------------------------------------------------- 4. the swap: current files over 0.1.0
step "installing $VERSION into the tree (cargo pgrx install: the library first, then the SQL)"
t=$SECONDS
nice -n 10 cargo pgrx install --pg-config "$BIN/pg_config" "${FEATURES[@]}" >"$RUN/install.log" 2>&1 \
  || { tail -n 30 "$RUN/install.log" >&2; fail "cargo pgrx install"; }
ok "installed in $((SECONDS - t)) s"
for f in "rls_fixer--${VERSION}.sql" rls_fixer.control; do
  [ -f "$EXTDIR/$f" ] || fail "cargo pgrx install did not install $f"
done
for f in "${UPGRADE_SQLS[@]}"; do
  cmp -s "$EXTDIR/${f#sql/}" "$f" || fail "cargo pgrx install did not install $f"
done
ok "cargo pgrx install installed ${UPGRADE_SQLS[*]}"
path="$(q -d up -c "SELECT path FROM pg_extension_update_paths('rls_fixer') WHERE source = '$OLD_VERSION' AND target = '$VERSION'")"
[ -n "$path" ] || fail "no update path from $OLD_VERSION to $VERSION"
ok "update path $path"

# 0.1.0's SQL calling the new library: every symbol both export must mean the same function
step "between the swap and the update: $OLD_VERSION's SQL with the $VERSION library"
q -d fresh -c 'CREATE EXTENSION rls_fixer' -c "SELECT rls_fixer.grant_admin('upg_admin')" >/dev/null
sig_sql="SELECT p.prosrc, format('%s -> %s%s', coalesce(p.proallargtypes::regtype[]::text, p.proargtypes::regtype[]::text),
                                    CASE WHEN p.proretset THEN 'setof ' ELSE '' END, p.prorettype::regtype)
                               || coalesce(' modes ' || p.proargmodes::text, '')
           FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
           JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'rls_fixer'
          WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') ORDER BY 1"
old_sigs="$(q -d up -F '|' -c "$sig_sql")"
new_sigs="$(q -d fresh -F '|' -c "$sig_sql")"
mismatch="$(LC_ALL=C join -t '|' <(LC_ALL=C sort <<<"$old_sigs") <(LC_ALL=C sort <<<"$new_sigs") | awk -F'|' '$2 != $3')"
[ -z "$mismatch" ] || fail "C symbols whose arguments or result changed since $OLD_VERSION (symbol|$OLD_VERSION|$VERSION):\n$mismatch\nUntil ALTER EXTENSION ... UPDATE, $OLD_VERSION's definitions call the new code with the old types, which can crash the backend: give the Rust function a new name (keep the SQL name with #[pg_extern(name = \"...\")]) so an old definition fails with 'could not find function' instead (CONTRIBUTING.md)."
gone="$(LC_ALL=C join -t '|' -v1 <(LC_ALL=C sort <<<"$old_sigs") <(LC_ALL=C sort <<<"$new_sigs") | cut -d'|' -f1 | paste -sd' ')"
ok "the $(wc -l <<<"$old_sigs") C symbols of $OLD_VERSION: same types in $VERSION${gone:+ (gone: $gone, an ERROR until the update)}"

# a new session: maps the new library, runs 0.1.0's definitions
window="$(q -d up -v ON_ERROR_STOP=0 2>&1 <<'SQL' || true
SELECT rls_audit_json() IS NOT NULL AS loaded;
\echo @maps
SELECT count(*) FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS l WHERE l LIKE '%/rls_fixer.so';
\echo @rls_audit
SELECT count(*) FROM rls_audit() WHERE severity = 'error' AND object_name LIKE 'app.%';
\echo @rls_audit_json
SELECT rls_audit_json() -> 'summary' ->> 'error';
\echo @rls_audit_sarif
SELECT rls_audit_sarif() ->> 'version';
\echo @rls_fix_dry_run
SELECT count(*) FROM rls_fix(true);
\echo @tenant_context
SELECT set_tenant_context('acme') || ',' || current_tenant_id();
\echo @tenant_cleared
SELECT coalesce(current_tenant_id(), 'none') FROM (SELECT clear_tenant_context()) c;
\echo @rls_check
SELECT rls_check();
\echo @event_trigger
CREATE TABLE app.window_table (tenant_id text NOT NULL);
\echo @end
SQL
)"
printf '%s\n' "$window" | sed 's/^/    | /'
after() { awk -v m="@$1" 'found {print; exit} $0 == m {found = 1}' <<<"$window"; }
[ "$(after maps)" -ge 1 ] 2>/dev/null || fail "a new session did not map the new rls_fixer.so"
# rls_audit() changed its signature in 0.2.0 (include_waived, waiver): its Rust symbol was renamed,
# so 0.1.0's definition fails cleanly until the update instead of calling the new code
case "$(after rls_audit)" in
  *'could not find function "rls_audit_wrapper"'*) ok "window: rls_audit() (new signature) fails cleanly: could not find function" ;;
  *) fail "window: rls_audit() should fail with 'could not find function', got: $(after rls_audit)" ;;
esac
expect "window: rls_audit_json() errors" 0 "$(after rls_audit_json)"
expect "window: rls_audit_sarif() version" 2.1.0 "$(after rls_audit_sarif)"
expect "window: set_tenant_context(), current_tenant_id()" "acme,acme" "$(after tenant_context)"
expect "window: clear_tenant_context()" none "$(after tenant_cleared)"
grep -qx '@end' <<<"$window" || fail "the window session did not reach its end"
q -d up -c 'DROP TABLE app.window_table'
old_session "SELECT count(*) > 0 FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\\n') AS l WHERE l LIKE '%/rls_fixer.so (deleted)'"
expect "$OLD_VERSION session: maps the replaced (deleted) library file" t "$OLD_OUT"
old_session "SELECT count(*) FROM rls_audit() WHERE severity = 'error' AND object_name LIKE 'app.%'"
expect "$OLD_VERSION session after the swap (its old library stays mapped): rls_audit() errors on app.*" 0 "$OLD_OUT"
expect "server not restarted by the window" "$server_started" "$(q -d postgres -c 'SELECT pg_postmaster_start_time()')"
# history written in the window (dry runs) is history too
HISTORY_BEFORE="$(q -d up -c "$history_sql")"

# ---------------------------------------------------------------- 5. ALTER EXTENSION ... UPDATE
step "ALTER EXTENSION rls_fixer UPDATE (the extension's schema holding a hostile role's operators)"
# Attack: a role that may create in the extension's schema (public) plants exact-type operators
# for comparisons an upgrade script might write loosely (oid = 0, regrole = 0); one running as the
# superuser who runs the UPDATE makes that role a superuser. The hand-written parts pin
# search_path; without that this fails.
q -d up -c 'GRANT CREATE ON SCHEMA public TO upg_app'
q -d up -U upg_app <<'SQL'
CREATE FUNCTION public.upg_evil_eq(oid, integer) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('is_superuser') = 'on' THEN EXECUTE 'ALTER ROLE upg_app SUPERUSER'; END IF;
    RETURN $1 = $2::oid;
END $$;
CREATE FUNCTION public.upg_evil_ne(oid, integer) RETURNS boolean LANGUAGE sql AS 'SELECT NOT public.upg_evil_eq($1, $2)';
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = integer, FUNCTION = public.upg_evil_eq);
CREATE OPERATOR public.<> (LEFTARG = oid, RIGHTARG = integer, FUNCTION = public.upg_evil_ne);
CREATE FUNCTION public.upg_evil_eq(regrole, integer) RETURNS boolean LANGUAGE sql AS 'SELECT public.upg_evil_eq($1::oid, $2)';
CREATE FUNCTION public.upg_evil_ne(regrole, integer) RETURNS boolean LANGUAGE sql AS 'SELECT public.upg_evil_ne($1::oid, $2)';
CREATE OPERATOR public.= (LEFTARG = regrole, RIGHTARG = integer, FUNCTION = public.upg_evil_eq);
CREATE OPERATOR public.<> (LEFTARG = regrole, RIGHTARG = integer, FUNCTION = public.upg_evil_ne);
SQL
q -d up -c 'ALTER EXTENSION rls_fixer UPDATE' \
  || fail "ALTER EXTENSION rls_fixer UPDATE failed (error above; nothing was changed): fix sql/upgrade/${OLD_VERSION}--${VERSION}.before.sql or .after.sql, then make upgrade-sql (CONTRIBUTING.md)"
expect "extension version after" "$VERSION" "$(q -d up -c "SELECT extversion FROM pg_extension WHERE extname = 'rls_fixer'")"
expect "upg_app (planted operators in public) is superuser after the UPDATE" f \
  "$(q -d up -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'upg_app'")"
q -d up -c 'DROP FUNCTION public.upg_evil_eq(oid, integer), public.upg_evil_eq(regrole, integer) CASCADE' \
        -c 'DROP FUNCTION public.upg_evil_ne(oid, integer), public.upg_evil_ne(regrole, integer) CASCADE' \
        -c 'REVOKE CREATE ON SCHEMA public FROM upg_app' 2>/dev/null
expect "the library's version (SARIF driver)" "$VERSION" "$(q -d up -c "SELECT rls_audit_sarif() #>> '{runs,0,tool,driver,version}'")"

# the session opened under 0.1.0: still the old code; new functions are not in its library
# (rls_audit_json: the old library has it under the same symbol; rls_audit's was renamed in 0.2.0)
old_session "SELECT 'audit=' || count(*) FROM jsonb_array_elements(rls_audit_json() -> 'findings') f
              WHERE f ->> 'severity' = 'error' AND f ->> 'object_name' LIKE 'app.%';
SELECT 'tenant=' || coalesce(rls_fixer.tenant(), 'null');"
after_old="$OLD_OUT"
printf '%s\n' "$after_old" | sed 's/^/    | (session from before the swap) /'
grep -qx 'audit=0' <<<"$after_old" || fail "the $OLD_VERSION session after the update: rls_audit_json()"
grep -Eq 'ERROR: +could not find function "[a-z_]+_wrapper"' <<<"$after_old" \
  || fail "the $OLD_VERSION session after the update: a $VERSION-only function should fail with 'could not find function'"
ok "the $OLD_VERSION session after the update: old functions run its old code, new ones fail cleanly"
old_session 'SELECT pg_backend_pid()'
[ "$OLD_OUT" = "$OLD_PID" ] || fail "the $OLD_VERSION session lost its backend"
old_in=${OLDSESSION[1]}
exec {old_in}>&-
wait "$OLD_PSQL_PID" 2>/dev/null || true
OLD_PSQL_PID=""

step "the upgraded database against a fresh $VERSION install (tests/upgrade/describe.sql)"
q -d up -f tests/upgrade/describe.sql > "$RUN/describe-upgraded.txt"
q -d fresh -f tests/upgrade/describe.sql > "$RUN/describe-fresh.txt"
grep -q "^member: function rls_fix(boolean)$" "$RUN/describe-fresh.txt" || fail "describe.sql found no members"
if ! diff -u --label "fresh $VERSION install" --label "upgraded from $OLD_VERSION" \
       "$RUN/describe-fresh.txt" "$RUN/describe-upgraded.txt" > "$RUN/describe.diff"; then
  cat "$RUN/describe.diff"
  fail "the upgraded extension differs from a fresh install (diff above: - fresh, + upgraded). Fix sql/upgrade/${OLD_VERSION}--${VERSION}.before.sql or .after.sql, then make upgrade-sql (CONTRIBUTING.md)"
fi
ok "same $(wc -l < "$RUN/describe-fresh.txt") lines (members, definitions, privileges, initial privileges, columns, comments, event trigger)"

expect "history rows kept" "$HISTORY_BEFORE" "$(q -d up -c "$history_sql")"
expect "check_history.config of the $OLD_VERSION checks" "{}" "$(q -d up -c "SELECT string_agg(DISTINCT config::text, ',') FROM rls_fixer.check_history")"
expect "policies unchanged" "$POLICIES_BEFORE" "$(q -d up -c "$policies_sql")"
expect "rls_audit() errors on app.* after the update" 0 \
  "$(q -d up -c "SELECT count(*) FROM rls_audit() WHERE severity = 'error' AND object_name LIKE 'app.%'")"
verify="$(q -d up -c "SELECT object_name || ' ' || probe || ' ' || coalesce(passed::text, 'null') FROM rls_verify('acme', 'globex', 'upg_app') WHERE object_name LIKE 'app.%' ORDER BY 1")"
[ "$(wc -l <<<"$verify")" -ge 10 ] || fail "rls_verify() ran too few probes:\n$verify"
grep -qv ' true$' <<<"$verify" && fail "rls_verify() after the update:\n$verify"
ok "rls_verify(): $(wc -l <<<"$verify") probes on app.* passed"
iso="$(q -d up -U upg_app -c "SELECT set_tenant_context('acme')" -c 'SELECT count(*) FROM app.orders' | tail -n1)"
expect "acme's orders seen as upg_app" 2 "$iso"
check_config="$(q -d up -c 'SELECT rls_check()' -c "SELECT config <> '{}' FROM rls_fixer.check_history ORDER BY check_id DESC LIMIT 1" 2>/dev/null | tail -n1)"
expect "rls_check() after the update records its settings" t "$check_config"
admin_write="$(q -d up -U upg_admin -v ON_ERROR_STOP=0 -c "UPDATE rls_fixer.fix_run SET undone_by = 'x' WHERE false" 2>&1 || true)"
grep -q 'permission denied' <<<"$admin_write" || fail "the $OLD_VERSION admin can still write the history: $admin_write"
expect "the admin reads the history" "$(q -d up -c 'SELECT count(*) FROM rls_fixer.fix_run')" \
  "$(q -d up -U upg_admin -c 'SELECT count(*) FROM rls_fixer.fix_run')"

step "the event trigger protects a new tenant table"
q -d up -c "SET rls_fixer.on_new_tenant_table = protect" -c 'CREATE TABLE app.born_after (tenant_id text NOT NULL, x int)' 2>/dev/null
expect "app.born_after: rls, force, policies" "t|t|1" \
  "$(q -d up -c "SELECT relrowsecurity, relforcerowsecurity, (SELECT count(*) FROM pg_policy WHERE polrelid = c.oid) FROM pg_class c WHERE oid = 'app.born_after'::regclass")"
q -d up -c 'DROP TABLE app.born_after'

step "rls_undo() of the $OLD_VERSION run $OLD_RUN"
undone="$(q -d up -c "SELECT count(*) FROM rls_undo($OLD_RUN)")"
[ "$undone" -gt 0 ] || fail "rls_undo($OLD_RUN) undid nothing"
expect "app.* after the undo" "invoices f f 0,orders f f 0" \
  "$(q -d up -c "SELECT string_agg(format('%s %s %s %s', c.relname, c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*) FROM pg_policy WHERE polrelid = c.oid)), ',' ORDER BY c.relname) FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace AND c.relkind = 'r'")"
expect "run $OLD_RUN marked undone" t "$(q -d up -c "SELECT undone_at IS NOT NULL FROM rls_fixer.fix_run WHERE run_id = $OLD_RUN")"

step "ALTER EXTENSION rls_fixer UPDATE again: nothing to do"
for db in up fresh; do
  q -d "$db" -f tests/upgrade/describe.sql > "$RUN/describe-$db-1.txt"
  notice="$(q -d "$db" -c 'ALTER EXTENSION rls_fixer UPDATE' 2>&1)"
  grep -q "version \"$VERSION\" of extension \"rls_fixer\" is already installed" <<<"$notice" || fail "$db: $notice"
  q -d "$db" -f tests/upgrade/describe.sql > "$RUN/describe-$db-2.txt"
  diff -u "$RUN/describe-$db-1.txt" "$RUN/describe-$db-2.txt" || fail "$db: a second ALTER EXTENSION ... UPDATE changed the extension"
  ok "$db: no-op ($notice)"
done

expect "server never restarted" "$server_started" "$(q -d postgres -c 'SELECT pg_postmaster_start_time()')"
crash="$(grep -E 'terminated by signal|PANIC' "$RUN/log/server.log" || true)"
[ -z "$crash" ] || fail "the server log shows a crash:\n$crash"
step "PASS: $OLD_VERSION -> $VERSION in place ($((SECONDS - T0)) s)"
echo "upgrade: 1 passed, 0 failed"
