//! New tenant tables, caught by the `rls_fixer_new_tenant_table` event trigger: warned about,
//! or protected in the same transaction, as `rls_fixer.on_new_tenant_table` says.

use pgrx::prelude::*;
use pgrx::search_path;

use super::{applying, run, spi_err};
use crate::checks::Ctx;
use crate::error::raise_config;
use crate::plan;

thread_local! {
    /// Tables already warned about in the current transaction: (transaction id, oids).
    static WARNED: std::cell::RefCell<(u32, std::collections::HashSet<i64>)> = std::cell::RefCell::new((0, Default::default()));
}

/// First warning about this table in this transaction? (CREATE TABLE then ALTER TABLE … ENABLE
/// in one migration warns once.)
fn first_warning(oid: i64) -> bool {
    let xid = unsafe { pg_sys::GetCurrentTransactionIdIfAny() }.into_inner();
    WARNED.with(|w| {
        let mut w = w.borrow_mut();
        if w.0 != xid {
            *w = (xid, Default::default());
        }
        w.1.insert(oid)
    })
}

/// New tenant tables (CREATE TABLE, CREATE TABLE … PARTITION OF, ALTER TABLE … ADD COLUMN
/// <tenant column>): warn with the fix, or apply it in the same transaction (recorded as a run,
/// undoable), as `rls_fixer.on_new_tenant_table` says.
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
fn protect_new_tables(relations: Vec<i64>, command_tag: &str) {
    use crate::config::{OnNewTenantTable, ON_NEW_TENANT_TABLE};
    let mode = ON_NEW_TENANT_TABLE.get();
    if mode == OnNewTenantTable::Off || applying() || relations.is_empty() {
        return;
    }
    let cfg = match crate::config::config() {
        Ok(c) => c,
        Err(e) => {
            pgrx::warning!("rls_fixer: new tables not checked: {}", e.message);
            return;
        }
    };
    // roles are not loaded: judge only the table itself
    let cfg = crate::config::Config { app_roles: None, bypass_roles: vec![], ..cfg };
    let snap = crate::snapshot::load::load_relations(&cfg, relations, command_tag == "ALTER TABLE")
        .unwrap_or_else(|e| spi_err(e));
    let ctx = Ctx::new(&snap, &cfg).unwrap_or_else(|e| raise_config(e));
    let mut actions = Vec::new();
    for r in snap.relations.iter().filter(|r| r.is_tenant_table()) {
        let fix = plan::protect_table(&ctx, r, "new_tenant_table");
        if fix.is_empty() {
            continue;
        }
        if mode == OnNewTenantTable::Warn {
            if !first_warning(r.oid) {
                continue;
            }
            let stmts: Vec<&str> = fix.iter().map(|a| a.statement.as_str()).collect();
            pgrx::pg_sys::panic::ErrorReport::new(
                PgSqlErrorCode::ERRCODE_WARNING,
                format!("rls_fixer: new tenant table {} is not protected by row-level security", r.qname),
                "rls_fixer",
            )
            .set_detail(format!("Fix: {};", stmts.join("; ")))
            .set_hint(
                "Run SELECT rls_fix(false), or SET rls_fixer.on_new_tenant_table = protect to do it automatically.",
            )
            .report(PgLogLevel::WARNING);
        } else {
            actions.extend(fix);
        }
    }
    if !actions.is_empty() {
        let run_id = run(false, false, &actions);
        let mut tables: Vec<&str> = actions.iter().map(|a| a.object_name.as_str()).collect();
        tables.dedup();
        pgrx::notice!(
            "rls_fixer: protected new tenant table(s) {} (run {run_id}, undo with SELECT rls_undo({run_id}))",
            tables.join(", ")
        );
    }
}
