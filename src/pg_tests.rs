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
}
