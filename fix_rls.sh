#!/usr/bin/env bash
# fix_rls.sh: the deployment guide's runner, on top of the rls_fixer extension.
#
#   ./fix_rls.sh --env=production.env            dry run: audit + the plan, changes nothing
#   ./fix_rls.sh --env=production.env --apply    audit, rls_fix(false) (atomic), audit again
#   ./fix_rls.sh --env=production.env --check    audit only (weekly cron), read-only
#
# Exit: 0 no error-level finding remains, 1 some do, 2 usage/env file/connection problem or
# the run could not complete (privileges, lock timeout: nothing was applied).
# Run ./fix_rls.sh --help for details.
set -euo pipefail
umask 077

PROG="fix_rls.sh"
SCRIPT_DIR="$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REQUIRED_KEYS=(DB_NAME DB_USER DB_PASSWORD DB_HOST DB_PORT)

usage() {
  cat <<EOF
Usage: $PROG --env=FILE [--apply | --check]

Audit and fix row-level security tenant isolation with the rls_fixer extension.

  --env=FILE   environment file with DB_NAME, DB_USER, DB_PASSWORD, DB_HOST, DB_PORT
               (KEY=VALUE lines; '#' comments, blank lines, 'export ' and quoted values are
               allowed; the file is parsed, never sourced). It must not be readable or
               writable by group or others: chmod 600 FILE.
  (default)    dry run: print the audit (rls_audit()) and the fix plan (rls_fix(true));
               changes nothing.
  --apply      print the audit, apply the plan with rls_fix(false) (all or nothing, in one
               transaction), then print the audit again.
  --check      print the audit only (read-only; the weekly cron use). No rls_fix at all.
  -h, --help   show this help.

Everything printed, plus a header (time, host, database, user, mode), is written to
logs/rls_fix_runner_YYYYmmdd_HHMMSS.log next to this script, or in \$RLS_FIX_LOG_DIR.
The password is passed to psql through PGPASSWORD and never printed or logged.

DB_USER must be allowed to run rls_fix() for the dry run and --apply: a superuser, or a role
granted with  SELECT rls_fixer.grant_admin('<user>');  --check needs only rls_audit() (PUBLIC).
The audited schemas and tenant column are the server's rls_fixer.* settings, e.g.
ALTER ROLE <user> SET rls_fixer.schemas = 'app'.

Exit status: 0 no error-level finding remains after the run, 1 some remain,
2 usage, env file or connection problem, or the run could not complete (nothing applied).
EOF
}

die() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  exit 2
}

die_usage() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  printf 'Usage: %s --env=FILE [--apply | --check]   (--help for details)\n' "$PROG" >&2
  exit 2
}

# ------------------------------------------------------------------ arguments

env_file=""
mode="dry-run"
apply=0
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --env=*) env_file="${1#--env=}" ;;
    --env)
      [ $# -ge 2 ] || die_usage "--env needs a file"
      env_file="$2"; shift ;;
    --apply) apply=1 ;;
    --check) check=1 ;;
    *) die_usage "unknown argument: $1" ;;
  esac
  shift
done
[ -n "$env_file" ] || die_usage "missing --env=FILE"
[ $((apply + check)) -le 1 ] || die_usage "--apply and --check exclude each other"
if [ "$apply" = 1 ]; then mode="apply"; elif [ "$check" = 1 ]; then mode="check"; fi

# ------------------------------------------------------------------ the env file

[ -f "$env_file" ] || die_usage "env file not found: $env_file"
[ -r "$env_file" ] || die_usage "env file not readable: $env_file"

file_mode="$(stat -L -c '%a' -- "$env_file" 2>/dev/null || stat -L -f '%Lp' -- "$env_file")"
if [ $((8#$file_mode & 8#066)) -ne 0 ]; then
  printf '%s: refusing %s: it holds the database password and is readable or writable by group or others (mode %s); run: chmod 600 %s\n' \
    "$PROG" "$env_file" "$file_mode" "$env_file" >&2
  exit 2
fi

declare -A cfg=()
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
  lineno=$((lineno + 1))
  line="${line%$'\r'}"
  # trim leading/trailing whitespace
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  case "$line" in '' | '#'*) continue ;; esac
  if [[ "$line" =~ ^export[[:space:]]+(.*)$ ]]; then line="${BASH_REMATCH[1]}"; fi
  if ! [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
    # never echo the line: it may hold a secret
    die_usage "$env_file line $lineno: expected KEY=VALUE"
  fi
  key="${BASH_REMATCH[1]}"
  value="${BASH_REMATCH[2]}"
  if [[ "$value" =~ ^\"(.*)\"([[:space:]]+#.*)?$ ]]; then
    value="${BASH_REMATCH[1]}"
    value="${value//\\\"/\"}"
    value="${value//\\\\/\\}"
  elif [[ "$value" =~ ^\'(.*)\'([[:space:]]+#.*)?$ ]]; then
    value="${BASH_REMATCH[1]}"
  elif [[ "$value" == \"* || "$value" == \'* ]]; then
    die_usage "$env_file line $lineno: unterminated quote in the value of $key"
  else
    # unquoted: a ' #' starts a comment (a '#' inside the value is kept)
    if [[ "$value" =~ ^(.*[^[:space:]])[[:space:]]+#.*$ ]]; then value="${BASH_REMATCH[1]}"
    elif [[ "$value" =~ ^[[:space:]]*#.*$ ]]; then value=""; fi
  fi
  cfg[$key]="$value"
done <"$env_file"

missing=()
for k in "${REQUIRED_KEYS[@]}"; do
  [ -n "${cfg[$k]:-}" ] || missing+=("$k")
done
[ ${#missing[@]} -eq 0 ] || die_usage "$env_file lacks ${missing[*]} (needs ${REQUIRED_KEYS[*]})"
if ! [[ "${cfg[DB_PORT]}" =~ ^[0-9]{1,5}$ ]] || [ "$((10#${cfg[DB_PORT]}))" -lt 1 ] || [ "$((10#${cfg[DB_PORT]}))" -gt 65535 ]; then
  die_usage "$env_file: DB_PORT must be a port number (1-65535)"
fi

db_name="${cfg[DB_NAME]}"
db_user="${cfg[DB_USER]}"
db_host="${cfg[DB_HOST]}"
db_port="${cfg[DB_PORT]}"
db_password="${cfg[DB_PASSWORD]}"
unset 'cfg[DB_PASSWORD]'

# ------------------------------------------------------------------ log

log_dir="${RLS_FIX_LOG_DIR:-$SCRIPT_DIR/logs}"
mkdir -p -- "$log_dir" || die "cannot create the log directory $log_dir"
stamp="$(date +%Y%m%d_%H%M%S)"
log_file="$log_dir/rls_fix_runner_${stamp}.log"
n=1
# noclobber: two runs in the same second get two logs
until (set -C; : >"$log_file") 2>/dev/null; do
  n=$((n + 1))
  [ "$n" -le 100 ] || die "cannot create a log file in $log_dir"
  log_file="$log_dir/rls_fix_runner_${stamp}_${n}.log"
done

out() { printf '%s\n' "$*" | tee -a "$log_file"; }
err() { printf '%s\n' "$*" | tee -a "$log_file" >&2; }
# print a file (psql output) to stdout or stderr and the log
out_file() { [ -s "$1" ] && tee -a "$log_file" <"$1"; return 0; }
err_file() { [ -s "$1" ] && tee -a "$log_file" <"$1" >&2; return 0; }

tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/fix_rls.XXXXXX")"
trap 'rm -rf -- "$tmp_dir"' EXIT

out "== $PROG $(date '+%Y-%m-%d %H:%M:%S %z')"
out "host: $db_host  port: $db_port  database: $db_name  user: $db_user  mode: $mode"
out "env file: $env_file  log: $log_file"

# ------------------------------------------------------------------ psql

# run_psql OUT ERR [psql args...]: SQL on stdin; the password only in the environment
run_psql() {
  local o="$1" e="$2"
  shift 2
  PGPASSWORD="$db_password" PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}" PGAPPNAME="$PROG" \
    psql -X -w -q -v ON_ERROR_STOP=1 -P pager=off \
    -h "$db_host" -p "$db_port" -U "$db_user" -d "$db_name" "$@" -f - >"$o" 2>"$e"
}

# marker lines carry numbers out of a psql script; they are removed from what is shown
MARK="@@fix_rls@@"
show_output() { grep -v "^$MARK " "$1" >"$1.shown" || true; out_file "$1.shown"; }
marker() { sed -n "s/^$MARK $2 //p" "$1" | tail -n 1; }

# 1. connection, extension, privilege
probe="$tmp_dir/probe"
rc=0
run_psql "$probe.out" "$probe.err" -A -t -F '|' <<'SQL' || rc=$?
SELECT quote_ident(n.nspname), e.extversion, current_user, current_setting('server_version'),
       has_function_privilege(format('%I.rls_fix(boolean)', n.nspname), 'EXECUTE'),
       coalesce(nullif(current_setting('rls_fixer.schemas', true), ''), '(all non-system)')
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'rls_fixer'
SQL
if [ "$rc" -ne 0 ]; then
  err_file "$probe.err"
  if [ "$rc" = 2 ]; then
    err "$PROG: cannot connect to $db_host:$db_port database $db_name as $db_user (psql exit 2)"
  else
    err "$PROG: the first query on $db_host:$db_port database $db_name as $db_user failed (psql exit $rc)"
  fi
  err "$PROG: summary: mode=$mode result=connection-error log=$log_file"
  exit 2
fi
IFS='|' read -r ext_schema ext_version cur_user server_version can_fix audited_schemas <"$probe.out" || true
if [ -z "${ext_schema:-}" ]; then
  err "$PROG: the rls_fixer extension is not installed in database $db_name"
  err "hint: as a superuser run: psql -h $db_host -p $db_port -d $db_name -c 'CREATE EXTENSION rls_fixer'"
  err "$PROG: summary: mode=$mode result=extension-missing log=$log_file"
  exit 2
fi
out "server: PostgreSQL $server_version  rls_fixer $ext_version (schema $ext_schema)  current_user: $cur_user  rls_fixer.schemas: $audited_schemas"
if [ "$mode" != check ] && [ "$can_fix" != t ]; then
  err "$PROG: $db_user may not run rls_fix() (revoked from PUBLIC)"
  err "hint: use a superuser, or as one run: SELECT rls_fixer.grant_admin('$db_user');  (--check needs only rls_audit())"
  err "$PROG: summary: mode=$mode result=permission-denied log=$log_file"
  exit 2
fi

s="$ext_schema"
AUDIT_SQL="SELECT severity, check_name, object_name FROM $s.rls_audit();"
COUNT_SQL="SELECT count(*) FILTER (WHERE severity = 'error') AS n_error,
       count(*) FILTER (WHERE severity = 'warning') AS n_warning,
       count(*) FILTER (WHERE severity = 'info') AS n_info
  FROM $s.rls_audit() \\gset
\\echo $MARK counts :n_error :n_warning :n_info"

# 2. the run: one psql session, each statement its own transaction
script="$tmp_dir/run.sql"
{
  if [ "$mode" = apply ]; then
    printf '%s\n' "\\echo '-- audit before: rls_audit()'" "$AUDIT_SQL"
    printf '%s\n' "\\echo '-- applying: rls_fix(false), all or nothing'" \
      "SELECT step, object_name, statement, applied FROM $s.rls_fix(false);" \
      "\\echo $MARK statements :ROW_COUNT" \
      "\\echo '-- audit after: rls_audit()'" "$AUDIT_SQL" "$COUNT_SQL"
  elif [ "$mode" = check ]; then
    printf '%s\n' "\\echo '-- audit: rls_audit()'" "$AUDIT_SQL" "$COUNT_SQL"
  else
    printf '%s\n' "\\echo '-- audit: rls_audit()'" "$AUDIT_SQL" "$COUNT_SQL" \
      "\\echo '-- plan (dry run, nothing is changed): rls_fix(true)'" \
      "SELECT step, check_name, object_name, statement FROM $s.rls_fix(true);" \
      "\\echo $MARK statements :ROW_COUNT"
  fi
} >"$script"

rc=0
run_psql "$tmp_dir/run.out" "$tmp_dir/run.err" <"$script" || rc=$?
show_output "$tmp_dir/run.out"
err_file "$tmp_dir/run.err"
if [ "$rc" -ne 0 ]; then
  if [ "$rc" = 2 ]; then
    err "$PROG: lost the connection to $db_host:$db_port during the run (psql exit 2)"
  else
    err "$PROG: the $mode run failed (psql exit $rc)"
  fi
  [ "$mode" != apply ] || err "$PROG: rls_fix(false) is atomic: if it failed, nothing was applied; fix the cause and re-run"
  err "$PROG: summary: mode=$mode result=failed log=$log_file"
  exit 2
fi

read -r n_error n_warning n_info <<<"$(marker "$tmp_dir/run.out" counts)" || true
statements="$(marker "$tmp_dir/run.out" statements)"
if ! [[ "${n_error:-}" =~ ^[0-9]+$ && "${n_warning:-}" =~ ^[0-9]+$ && "${n_info:-}" =~ ^[0-9]+$ ]]; then
  err "$PROG: could not read the audit counts from psql's output"
  err "$PROG: summary: mode=$mode result=failed log=$log_file"
  exit 2
fi

case "$mode" in
  apply) what="statements_applied=${statements:-0}" ;;
  dry-run) what="statements_planned=${statements:-0}" ;;
  *) what="statements=none (check only)" ;;
esac
if [ "$n_error" -gt 0 ]; then status=1; result="errors-remain"; else status=0; result="ok"; fi
out "$PROG: summary: mode=$mode result=$result errors=$n_error warnings=$n_warning info=$n_info $what log=$log_file"
exit "$status"
