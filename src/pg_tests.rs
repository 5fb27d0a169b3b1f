//! `#[pg_test]`s: each SQL function's contract against a real PostgreSQL (run by
//! `cargo pgrx test pg15`). Each test runs in a transaction that is rolled back.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn set_and_read_tenant_context() {
        Spi::run("BEGIN").ok();
        let v = Spi::get_one::<String>("SELECT set_tenant_context('acme', true)").unwrap();
        assert_eq!(v.as_deref(), Some("acme"));
        let cur = Spi::get_one::<String>("SELECT current_tenant_id()").unwrap();
        assert_eq!(cur.as_deref(), Some("acme"));
        let raw = Spi::get_one::<String>("SELECT current_setting('app.current_tenant_id')").unwrap();
        assert_eq!(raw.as_deref(), Some("acme"));
        Spi::run("SELECT clear_tenant_context(true)").unwrap();
        let cur = Spi::get_one::<String>("SELECT current_tenant_id()").unwrap();
        assert_eq!(cur, None);
    }
}
