//! `rls_undo()`: revert an applied run, atomically, after checking that every object is still
//! as the run left it.

use pgrx::prelude::*;
use pgrx::spi::SpiClient;

use super::{run_ddl, spi_err, Runner, Step};
use crate::error::raise;
use crate::plan::ActionKind;

/// Is the object still in the state the run left it? `None` if so, else what changed.
fn verify_state(c: &SpiClient<'_>, a: &StoredAction) -> Option<String> {
    let kind: ActionKind = match serde_json::from_value(a.state.clone()) {
        Ok(k) => k,
        Err(_) => return Some(format!("step {}: unreadable recorded state", a.step)),
    };
    let oid = a.state.get("oid").and_then(|v| v.as_i64()).unwrap_or(0);
    let q = match &kind {
        ActionKind::NoBypassRls => {
            "SELECT quote_ident(rolname) AS name, NOT rolbypassrls AS ok FROM pg_catalog.pg_roles WHERE oid = $1::oid"
        }
        ActionKind::EnableRls => "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relrowsecurity AS ok FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid",
        ActionKind::ForceRls => "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relforcerowsecurity AS ok FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid",
        ActionKind::SecurityInvoker => "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, coalesce('security_invoker=true' = ANY (c.reloptions), false) AS ok FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid",
        ActionKind::CreatePolicy { .. } => "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2) AS ok FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid",
    };
    let policy = match &kind {
        ActionKind::CreatePolicy { policy } => policy.clone(),
        _ => String::new(),
    };
    let args = if matches!(kind, ActionKind::CreatePolicy { .. }) {
        vec![oid.into(), policy.as_str().into()]
    } else {
        vec![oid.into()]
    };
    let row = c.select(q, None, &args).unwrap_or_else(|e| spi_err(e));
    if row.is_empty() {
        return Some(format!("step {}: {} no longer exists", a.step, a.object_name));
    }
    let row = row.first();
    let name: String = row.get_by_name("name").ok().flatten().unwrap_or_default();
    let ok: bool = row.get_by_name("ok").ok().flatten().unwrap_or(false);
    if name != a.object_name {
        return Some(format!("step {}: {} was renamed to {}", a.step, a.object_name, name));
    }
    if !ok {
        let what = match kind {
            ActionKind::EnableRls => "row-level security was disabled since".to_string(),
            ActionKind::ForceRls => "FORCE ROW LEVEL SECURITY was removed since".to_string(),
            ActionKind::CreatePolicy { policy } => format!("policy {policy} was dropped or renamed since"),
            ActionKind::SecurityInvoker => "security_invoker was changed since".to_string(),
            ActionKind::NoBypassRls => "the role has BYPASSRLS again".to_string(),
        };
        return Some(format!("step {}: {}: {}", a.step, a.object_name, what));
    }
    None
}

struct StoredAction {
    step: i32,
    object_name: String,
    undo: String,
    state: serde_json::Value,
}

/// Revert an applied run (default: the latest one not yet undone), in reverse order,
/// atomically; refuses, changing nothing, if an object is no longer as the run left it.
#[pg_extern(volatile, parallel_unsafe)]
pub fn rls_undo(
    run_id: default!(Option<i64>, "NULL"),
) -> TableIterator<'static, (name!(step, i32), name!(object_name, String), name!(statement, String))> {
    let rows = Spi::connect_mut(|c| {
        let target: Option<(i64, bool, bool)> = {
            let t = match run_id {
                Some(id) => c.update(
                    "SELECT run_id, dry_run, undone_at IS NOT NULL AS undone FROM rls_fixer.fix_run WHERE run_id = $1 FOR UPDATE",
                    None,
                    &[id.into()],
                ),
                None => c.update(
                    "SELECT run_id, dry_run, false AS undone FROM rls_fixer.fix_run
                      WHERE NOT dry_run AND undone_at IS NULL AND statement_count > 0
                      ORDER BY run_id DESC LIMIT 1 FOR UPDATE",
                    None,
                    &[],
                ),
            }
            .unwrap_or_else(|e| spi_err(e));
            if t.is_empty() {
                None
            } else {
                let r = t.first();
                Some((
                    r.get_by_name("run_id").ok().flatten().unwrap_or(0),
                    r.get_by_name("dry_run").ok().flatten().unwrap_or(false),
                    r.get_by_name("undone").ok().flatten().unwrap_or(false),
                ))
            }
        };
        let (id, dry, undone) = match target {
            Some(t) => t,
            None => match run_id {
                Some(id) => raise(
                    PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
                    format!("rls_undo: there is no run {id} in rls_fixer.fix_run"),
                    None,
                ),
                None => raise(
                    PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
                    "rls_undo: no applied run is left to undo".into(),
                    None,
                ),
            },
        };
        if dry {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!("rls_undo: run {id} was a dry run; it changed nothing"),
                None,
            );
        }
        if undone {
            raise(
                PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("rls_undo: run {id} was already undone"),
                None,
            );
        }
        let mut actions = Vec::new();
        for r in c
            .select(
                "SELECT step, object_name, undo_statement, state FROM rls_fixer.fix_action WHERE run_id = $1 ORDER BY step DESC",
                None,
                &[id.into()],
            )
            .unwrap_or_else(|e| spi_err(e))
        {
            actions.push(StoredAction {
                step: r.get_by_name("step").ok().flatten().unwrap_or(0),
                object_name: r.get_by_name("object_name").ok().flatten().unwrap_or_default(),
                undo: r.get_by_name("undo_statement").ok().flatten().unwrap_or_default(),
                state: r.get_by_name::<pgrx::JsonB, _>("state").ok().flatten().map(|j| j.0).unwrap_or_default(),
            });
        }
        let changed: Vec<String> = actions.iter().filter_map(|a| verify_state(c, a)).collect();
        if !changed.is_empty() {
            raise(
                PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("rls_undo: run {id} cannot be undone, nothing was changed: {}", changed.join("; ")),
                Some("Undo by hand with the undo_statement column of rls_fixer.fix_action for the objects that are still as the run left them.".into()),
            );
        }
        run_ddl(
            c,
            Runner::Undo,
            id,
            actions.iter().map(|a| Step { step: a.step as usize, object_name: &a.object_name, statement: &a.undo }),
        );
        let out: Vec<(i32, String, String)> =
            actions.iter().map(|a| (a.step, a.object_name.clone(), a.undo.clone())).collect();
        c.update(
            "UPDATE rls_fixer.fix_run SET undone_at = clock_timestamp(), undone_by = session_user WHERE run_id = $1",
            None,
            &[id.into()],
        )
        .unwrap_or_else(|e| spi_err(e));
        out
    });
    TableIterator::new(rows)
}
