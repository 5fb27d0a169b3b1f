//! `#[pg_test]`s: each SQL function's contract against a real PostgreSQL (run by
//! `cargo pgrx test pg15`). Each test runs in a transaction that is rolled back; RLS is
//! checked as a non-superuser, non-owner role (`SET LOCAL ROLE`).

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;

    fn count(sql: &str) -> i64 {
        Spi::get_one::<i64>(sql).expect("query runs").expect("count is not NULL")
    }

    #[pg_test]
    fn pg_set_and_read_tenant_context() {
        let v = Spi::get_one::<String>("SELECT set_tenant_context('acme', true)").unwrap();
        assert_eq!(v.as_deref(), Some("acme"));
        let cur = Spi::get_one::<String>("SELECT current_tenant_id()").unwrap();
        assert_eq!(cur.as_deref(), Some("acme"));
        let raw = Spi::get_one::<String>("SELECT current_setting('app.current_tenant_id')").unwrap();
        assert_eq!(raw.as_deref(), Some("acme"));
        Spi::run("SELECT clear_tenant_context(true)").unwrap();
        assert_eq!(Spi::get_one::<String>("SELECT current_tenant_id()").unwrap(), None);
    }

    #[pg_test(error = "tenant id contains a semicolon at byte 1")]
    fn pg_bad_tenant_id_is_rejected() {
        Spi::run("SELECT set_tenant_context('a;b', true)").unwrap();
    }

    #[pg_test]
    fn pg_fix_isolates_tenants_live() {
        Spi::run(
            "CREATE ROLE pgt_app NOLOGIN;
             CREATE SCHEMA pgt;
             GRANT USAGE ON SCHEMA pgt TO pgt_app;
             CREATE TABLE pgt.items (id int, tenant_id integer NOT NULL);
             CREATE INDEX ON pgt.items (tenant_id);
             INSERT INTO pgt.items SELECT i, i % 3 FROM generate_series(1, 30) i;
             GRANT SELECT, INSERT ON pgt.items TO pgt_app;
             SET LOCAL rls_fixer.schemas = 'pgt';",
        )
        .unwrap();
        assert_eq!(count("SELECT count(*) FROM rls_audit() WHERE check_name = 'rls_disabled'"), 1);
        assert_eq!(count("SELECT count(*) FROM rls_fix(false)"), 3);
        assert_eq!(count("SELECT count(*) FROM rls_fix(true)"), 0, "idempotent");
        assert_eq!(count("SELECT count(*) FROM rls_audit() WHERE severity = 'error'"), 0);
        Spi::run("SET LOCAL ROLE pgt_app").unwrap();
        assert_eq!(count("SELECT count(*) FROM pgt.items"), 0, "no tenant: no rows");
        Spi::run("SELECT set_tenant_context('2', true)").unwrap();
        assert_eq!(count("SELECT count(*) FROM pgt.items"), 10);
        assert_eq!(count("SELECT count(*) FROM pgt.items WHERE tenant_id <> 2"), 0);
        Spi::run("RESET ROLE").unwrap();
        // recorded: one dry run planned nothing after the apply
        assert_eq!(count("SELECT count(*) FROM rls_fixer.fix_action a JOIN rls_fixer.fix_run r USING (run_id) WHERE NOT r.dry_run"), 3);
    }

    #[pg_test]
    fn pg_audit_json_summary_counts_match_rows() {
        Spi::run(
            "CREATE SCHEMA pgj;
             CREATE TABLE pgj.a (tenant_id text);
             CREATE TABLE pgj.b (x int);
             SET LOCAL rls_fixer.schemas = 'pgj';",
        )
        .unwrap();
        let errors = count("SELECT count(*) FROM rls_audit() WHERE severity = 'error'");
        let json_errors = count("SELECT (rls_audit_json() -> 'summary' ->> 'error')::int8");
        assert_eq!(errors, json_errors);
        assert_eq!(count("SELECT (rls_audit_json() -> 'summary' ->> 'tenant_tables')::int8"), 1);
        assert_eq!(
            count("SELECT jsonb_array_length(rls_audit_json() -> 'findings')::int8"),
            count("SELECT count(*) FROM rls_audit()")
        );
    }

    fn server_version_num() -> i64 {
        count("SELECT current_setting('server_version_num')::int8")
    }

    fn findings(check: &str, object: &str) -> i64 {
        Spi::get_one_with_args::<i64>(
            "SELECT count(*) FROM rls_audit() WHERE check_name = $1 AND object_name = $2",
            &[check.into(), object.into()],
        )
        .expect("query runs")
        .expect("count is not NULL")
    }

    /// 18: a not-null constraint added NOT VALID sets attnotnull while NULLs remain; the audit
    /// still calls the column nullable. (15 has no NOT VALID not-null: the plain nullable case.)
    #[pg_test]
    fn pg_not_valid_not_null_tenant_column_is_nullable() {
        Spi::run(
            "CREATE SCHEMA pgn;
             CREATE TABLE pgn.t (id int, tenant_id int);
             INSERT INTO pgn.t VALUES (1, NULL);
             SET LOCAL rls_fixer.schemas = 'pgn';",
        )
        .unwrap();
        if server_version_num() >= 180000 {
            Spi::run("ALTER TABLE pgn.t ADD CONSTRAINT t_tenant_nn NOT NULL tenant_id NOT VALID").unwrap();
            let notnull = Spi::get_one::<bool>(
                "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'pgn.t'::regclass AND attname = 'tenant_id'",
            );
            assert_eq!(notnull.unwrap(), Some(true), "18 sets attnotnull for a NOT VALID not-null");
        }
        assert_eq!(findings("tenant_column_nullable", "pgn.t"), 1);
        Spi::run("DELETE FROM pgn.t; ALTER TABLE pgn.t ALTER COLUMN tenant_id SET NOT NULL").unwrap();
        assert_eq!(findings("tenant_column_nullable", "pgn.t"), 0, "validated: NOT NULL");
    }

    /// 18: a virtual generated tenant column cannot be indexed; the suggested index is on its
    /// expression and then counts as the tenant index. (15: a stored one, indexed as usual.)
    #[pg_test]
    fn pg_generated_tenant_column_index_suggestion_works() {
        let kind = if server_version_num() >= 180000 { "VIRTUAL" } else { "STORED" };
        Spi::run(&format!(
            "CREATE SCHEMA pgv;
             CREATE TABLE pgv.t (id int, payload jsonb NOT NULL,
                                 tenant_id int GENERATED ALWAYS AS ((payload ->> 't')::int) {kind});
             SET LOCAL rls_fixer.schemas = 'pgv';"
        ))
        .unwrap();
        assert_eq!(findings("tenant_index_missing", "pgv.t"), 1);
        let fix = Spi::get_one::<String>("SELECT fix_sql FROM rls_audit() WHERE check_name = 'tenant_index_missing'")
            .unwrap()
            .expect("a suggested index");
        // CONCURRENTLY cannot run inside the test's transaction
        Spi::run(&fix.replace(" CONCURRENTLY", "")).unwrap();
        assert_eq!(findings("tenant_index_missing", "pgv.t"), 0, "{fix}");
    }

    /// 17+: MAINTAIN (VACUUM, ANALYZE, REINDEX, CLUSTER, REFRESH, LOCK) reads and writes no rows:
    /// granted to the app role and to PUBLIC, it changes no finding.
    #[pg_test]
    fn pg_maintain_grant_changes_no_finding() {
        Spi::run(
            "CREATE ROLE pgm_app NOLOGIN;
             CREATE SCHEMA pgm;
             CREATE TABLE pgm.t (id int, tenant_id int NOT NULL);
             GRANT SELECT ON pgm.t TO pgm_app;
             SET LOCAL rls_fixer.schemas = 'pgm';
             SET LOCAL rls_fixer.app_roles = 'pgm_app';",
        )
        .unwrap();
        let all = "SELECT string_agg(check_name, ',' ORDER BY check_name) FROM rls_audit() WHERE object_name = 'pgm.t'";
        let before = Spi::get_one::<String>(all).unwrap();
        if server_version_num() >= 170000 {
            Spi::run("GRANT MAINTAIN ON pgm.t TO pgm_app, PUBLIC").unwrap();
        }
        assert_eq!(Spi::get_one::<String>(all).unwrap(), before);
        assert_eq!(findings("tenant_table_public_grant", "pgm.t"), 0);
        assert_eq!(findings("tenant_table_truncate", "pgm.t"), 0);
    }
}
