//! rls_fixer: audit, fix and prove tenant isolation with PostgreSQL row-level security,
//! inside the database.
//!
//! The pipeline, dependencies flowing one way (see CONTRIBUTING.md):
//! `config` + `snapshot` (one catalog snapshot) → `analysis` (policy expressions, pure) →
//! `checks` (pure, one registry) → `plan` (pure) → `prepare` (one call's inputs) →
//! `apply` (the only DDL: fix, undo, batches, new tables) and `verify` (live probes) →
//! `audit` (the audit's SQL face). `tenant` is the per-request context API; `ddl` and `error`
//! are shared helpers.

use pgrx::prelude::*;

::pgrx::pg_module_magic!(name, version);

pub mod analysis;
pub mod apply;
pub mod audit;
pub mod checks;
pub mod config;
pub mod ddl;
pub mod error;
pub mod perf;
pub mod plan;
pub mod prepare;
pub mod privilege;
pub mod snapshot;
pub mod tenant;
pub mod timing;
pub mod verify;
pub mod waivers;

extension_sql_file!("../sql/bootstrap.sql", name = "bootstrap", bootstrap);

/// The internal schema (created by `sql/bootstrap.sql`): functions declared with
/// `#[pg_extern(schema = "rls_fixer")]` live there.
#[pg_schema]
mod rls_fixer {}
extension_sql_file!("../sql/finalize.sql", name = "finalize", finalize);
// rls_perf_report's snapshot table and grants (src/perf/)
extension_sql_file!("../sql/perf.sql", name = "perf", requires = [perf::rls_perf_report]);

#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    config::init();
    tenant::protected::init();
    tenant::signed::init();
}

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
