# shellcheck shell=bash
# Sourced (not run) by the scripts that start servers: what depends on PG_MAJOR, in one place, so
# that the suites of two majors can run on one machine at the same time without meeting.
#   PG_MAJOR       15 unless set
#   BIN            the server's binaries: PG_CONFIG's bindir when PG_CONFIG is set, else Debian's
#                  15 or the private build of scripts/build_pg.sh (/opt/rls_fixer-pg/MAJOR)
#   RLS_FIXER_RUN  where the throwaway clusters live: /tmp/rls_fixer for 15 (as always),
#                  /tmp/rls_fixer-pgMAJOR for another major; exported, an explicit value wins
#   rls_port BASE  a default port (15's) moved by 100 per major away from 15: 54331 is 54631 on 18
#   rls_need_server  exits with a message when BIN has no server
PG_MAJOR="${PG_MAJOR:-15}"
if [ -n "${PG_CONFIG:-}" ]; then BIN="$("$PG_CONFIG" --bindir)"
elif [ "$PG_MAJOR" = 15 ]; then BIN="/usr/lib/postgresql/15/bin"
else BIN="${RLS_FIXER_PG_ROOT:-/opt/rls_fixer-pg}/${PG_MAJOR}/bin"; fi
if [ "$PG_MAJOR" = 15 ]; then RLS_FIXER_RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer}"
else RLS_FIXER_RUN="${RLS_FIXER_RUN:-/tmp/rls_fixer-pg${PG_MAJOR}}"; fi
export PG_MAJOR RLS_FIXER_RUN

rls_port() { echo $(( $1 + (PG_MAJOR - 15) * 100 )); }

rls_need_server() {
  [ -x "$BIN/postgres" ] || { echo "no PostgreSQL ${PG_MAJOR} server in $BIN (PG_MAJOR=${PG_MAJOR} make setup builds it)" >&2; exit 1; }
}
