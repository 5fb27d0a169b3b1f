//! rls_fixer: audit, fix and prove tenant isolation with PostgreSQL row-level security,
//! inside the database.
//!
//! The pipeline, one module each:
//! `catalog` (one snapshot) → `checks` (pure) → `plan` (pure) → `apply` (the only DDL),
//! plus `tenant` (the per-request context API) and `expr` (policy expression analysis).

use pgrx::prelude::*;

::pgrx::pg_module_magic!(name, version);

pub mod api;
pub mod apply;
pub mod catalog;
pub mod checks;
pub mod expr;
pub mod guc;
pub mod plan;
pub mod snapshot;
pub mod tenant;
pub mod verify;

extension_sql_file!("../sql/bootstrap.sql", name = "bootstrap", bootstrap);
extension_sql_file!("../sql/finalize.sql", name = "finalize", finalize);

#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    guc::init();
}

/// Raise an ERROR with a precise SQLSTATE and an optional hint.
pub fn raise(code: PgSqlErrorCode, message: String, hint: Option<String>) -> ! {
    let mut r = pgrx::pg_sys::panic::ErrorReport::new(code, message, "rls_fixer");
    if let Some(h) = hint {
        r = r.set_hint(h);
    }
    r.report(PgLogLevel::ERROR);
    unreachable!("ERROR does not return")
}

#[cfg(test)]
mod checks_tests;

#[cfg(any(test, feature = "pg_test"))]
mod pg_tests;

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}
