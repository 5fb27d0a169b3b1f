-- rls_perf_report(): what RLS costs in production, from pg_stat_statements (see src/perf/).
-- Installed after bootstrap.sql (rls_fixer.fix_run) and the report function.

-- Each applied fix run's compact pg_stat_statements snapshot of the statements touching the
-- relations it changed, taken just before its DDL ran: the baseline rls_perf_report compares
-- with. Numbers only, never query texts (texts stay in pg_stat_statements, which decides who
-- may read them). Written only by the extension's own code, as the extension owner; bounded:
-- at most 500 statements per run (the most expensive), snapshots of the latest 50 runs.
CREATE TABLE rls_fixer.perf_snapshot (
    run_id        bigint NOT NULL REFERENCES rls_fixer.fix_run ON DELETE CASCADE,
    userid        oid NOT NULL,
    queryid       bigint NOT NULL,
    calls         bigint NOT NULL,
    total_exec_ms double precision NOT NULL,
    mean_exec_ms  double precision NOT NULL,
    rows          bigint NOT NULL,
    PRIMARY KEY (run_id, userid, queryid)
);
COMMENT ON TABLE rls_fixer.perf_snapshot IS
    'pg_stat_statements counters of the statements touching the relations each applied rls_fix run changed, taken when it applied (no query texts)';
-- not granted to admins: only rls_perf_report() reads it, for the statements its caller may
-- see in pg_stat_statements
REVOKE ALL ON rls_fixer.perf_snapshot FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('rls_fixer.perf_snapshot', '');

-- query texts are shown as pg_stat_statements shows them to the caller; superusers and the
-- roles of rls_fixer.grant_admin() may call it
REVOKE ALL ON FUNCTION @extschema@.rls_perf_report(bigint) FROM PUBLIC;
