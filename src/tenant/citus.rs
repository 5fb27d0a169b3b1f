//! The tenant context on a Citus node. Row-level security on distributed and reference tables
//! is enforced by each shard's policies on the node that stores it, and the worker backends
//! see only what Citus propagates to them: a `SET LOCAL` *statement* inside a transaction block,
//! with `citus.propagate_set_commands = local` (measured: `set_config()` and session-level `SET`
//! never reach them, tests/citus/research). So on a node with the citus extension,
//! `set_tenant_context(id, true)` runs
//!
//! ```sql
//! SET LOCAL citus.propagate_set_commands = local
//! SET LOCAL <tenant setting> = '<id>'
//! ```
//!
//! through SPI: Citus sends the second to the workers taking part in the transaction and to every
//! connection it opens later in it; a savepoint rollback and the end of the transaction undo both
//! everywhere. The session form cannot reach the workers and is refused (SQLSTATE 0A000).
//! Nodes without Citus never get here: one lookup of a Citus setting decides.

use std::ffi::CStr;

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::ddl;
use crate::error::raise;

thread_local! {
    /// citus.so is loaded in this backend: 0 not asked yet, 1 no, 2 yes. Citus works only from
    /// shared_preload_libraries, so the answer of the first call holds for the backend's life.
    static LOADED: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
    /// the citus extension was found in this database (it stays: dropping it needs every
    /// distributed table gone, and a stale "yes" only costs an SPI call)
    static FOUND: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Is this a Citus node: citus.so loaded in this backend (its settings exist) and the citus
/// extension installed in this database? Without Citus loaded: one thread-local read per call.
pub fn active() -> bool {
    let loaded = LOADED.with(|l| {
        if l.get() == 0 {
            let found =
                unsafe { !pg_sys::GetConfigOption(c"citus.propagate_set_commands".as_ptr(), true, false).is_null() };
            l.set(if found { 2 } else { 1 });
        }
        l.get() == 2
    });
    if !loaded {
        return false;
    }
    if FOUND.with(|f| f.get()) {
        return true;
    }
    let found = unsafe { pg_sys::get_extension_oid(c"citus".as_ptr(), true) } != pg_sys::InvalidOid;
    if found {
        FOUND.with(|f| f.set(true));
    }
    found
}

/// `SET LOCAL` for a validated setting name: each dotted part an identifier.
fn set_local_sql(setting: &CStr, value: &CStr) -> String {
    let name = setting.to_string_lossy();
    let name: Vec<String> = name.split('.').map(ddl::ident).collect();
    format!("SET LOCAL {} = {}", name.join("."), ddl::literal(&value.to_string_lossy()))
}

/// Set the tenant setting for this transaction here and on every worker taking part in it, as
/// SPI statements Citus propagates (with `search_path` pinned while they run).
pub fn set_local_propagated(setting: &CStr, value: &CStr) {
    let sql = set_local_sql(setting, value);
    crate::privilege::pinned(|| {
        Spi::connect_mut(|c| {
            c.update("SET LOCAL citus.propagate_set_commands = local", None, &[])?;
            c.update(&sql, None, &[]).map(|_| ())
        })
    })
    .unwrap_or_else(|e| crate::error::spi_err("set_tenant_context: propagating the tenant to the Citus workers", e));
}

/// The session form on a Citus node: refused, the workers would never see it.
pub fn refuse_session_form() -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
        "set_tenant_context: the session form cannot reach the Citus workers".into(),
        Some("On Citus, set the tenant per transaction: BEGIN; SELECT set_tenant_context(id, true); …; COMMIT. The workers enforce the shards' policies and see only a tenant set with is_local => true inside a transaction block (Citus propagates it to them); a session-level tenant would leave them with none.".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_local_statements_quote() {
        assert_eq!(set_local_sql(c"app.current_tenant_id", c"t42"), "SET LOCAL app.current_tenant_id = 't42'");
        assert_eq!(set_local_sql(c"App.Tenant", c"a"), "SET LOCAL \"App\".\"Tenant\" = 'a'");
        assert_eq!(set_local_sql(c"app.select", c""), "SET LOCAL app.\"select\" = ''");
        assert_eq!(set_local_sql(c"app.t", c"x'y\\z"), "SET LOCAL app.t = E'x''y\\\\z'");
    }
}
