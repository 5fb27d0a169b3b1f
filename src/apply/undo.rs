//! `rls_undo()`: revert an applied run, atomically, after checking that every object is still
//! as the run left it.
//!
//! The undo statements are rebuilt from what the run recorded (the kind of change, the
//! object's oid, the policy name) and the object's current name: the `undo_statement` text in
//! the history is shown to humans, never executed.

use pgrx::prelude::*;
use pgrx::spi::SpiClient;

use super::{run_ddl, spi_err, Runner, Step};
use crate::error::raise;
use crate::plan::{self, ActionKind};
use crate::privilege::as_extension_owner;

const RELATION_STATE: &str = include_str!("../../sql/undo/relation_state.sql");
const ROLE_STATE: &str = include_str!("../../sql/undo/role_state.sql");

/// One recorded step, read back from `rls_fixer.fix_action`.
struct Recorded {
    step: i32,
    object_name: String,
    state: serde_json::Value,
}

/// A step ready to revert: its statement rebuilt for the object as it is now.
struct Revert {
    step: i32,
    object_name: String,
    statement: String,
}

/// Is the object still in the state the run left it? The statement that reverts the step if
/// so, else what changed.
fn check_step(c: &SpiClient<'_>, a: &Recorded, moved: bool) -> Result<Revert, String> {
    let kind: ActionKind =
        serde_json::from_value(a.state.clone()).map_err(|_| format!("step {}: unreadable recorded state", a.step))?;
    let oid = if moved {
        // restored into another database: the oids changed, the names did not
        let by_name = match kind {
            ActionKind::NoBypassRls => {
                "SELECT oid::int8 FROM pg_catalog.pg_roles WHERE pg_catalog.quote_ident(rolname) = $1"
            }
            _ => "SELECT pg_catalog.to_regclass($1)::oid::int8",
        };
        c.select(by_name, None, &[a.object_name.as_str().into()])
            .unwrap_or_else(|e| spi_err(e))
            .first()
            .get_one::<i64>()
            .ok()
            .flatten()
            .unwrap_or(0)
    } else {
        a.state.get("oid").and_then(|v| v.as_i64()).unwrap_or(0)
    };
    let policy = match &kind {
        ActionKind::CreatePolicy { policy } | ActionKind::ReplacePolicy { policy, .. } => policy.as_str(),
        _ => "",
    };
    let rows = match kind {
        ActionKind::NoBypassRls => c.select(ROLE_STATE, None, &[oid.into()]),
        _ => c.select(RELATION_STATE, None, &[oid.into(), policy.into()]),
    }
    .unwrap_or_else(|e| spi_err(e));
    if rows.is_empty() {
        return Err(format!("step {}: {} no longer exists", a.step, a.object_name));
    }
    let row = rows.first();
    let flag = |col: &str| row.get_by_name::<bool, _>(col).ok().flatten().unwrap_or(false);
    let name: String = row.get_by_name("name").ok().flatten().unwrap_or_default();
    if name != a.object_name {
        return Err(format!("step {}: {} was renamed to {}", a.step, a.object_name, name));
    }
    let changed = match &kind {
        ActionKind::EnableRls => (!flag("rls_enabled")).then(|| "row-level security was disabled since".to_string()),
        ActionKind::ForceRls => (!flag("rls_forced")).then(|| "FORCE ROW LEVEL SECURITY was removed since".to_string()),
        ActionKind::CreatePolicy { policy } | ActionKind::ReplacePolicy { policy, .. } => {
            (!flag("has_policy")).then(|| format!("policy {policy} was dropped or renamed since"))
        }
        ActionKind::SecurityInvoker => {
            (!flag("security_invoker")).then(|| "security_invoker was changed since".to_string())
        }
        ActionKind::NoBypassRls => flag("bypassrls").then(|| "the role has BYPASSRLS again".to_string()),
    };
    if let Some(what) = changed {
        return Err(format!("step {}: {}: {}", a.step, a.object_name, what));
    }
    Ok(Revert { step: a.step, object_name: name.clone(), statement: plan::undo_statement(&kind, &name) })
}

/// The run to undo, locked: the given one, or the latest applied run of the calling session
/// user not yet undone. (run id, dry run, already undone, who, the database it was recorded in).
#[allow(clippy::type_complexity)]
fn target_run(c: &mut SpiClient<'_>, run_id: Option<i64>) -> Option<(i64, bool, bool, String, Option<String>)> {
    let t = match run_id {
        Some(id) => c.update(
            "SELECT run_id, dry_run, undone_at IS NOT NULL AS undone, session_user_name::text AS who, database_id
               FROM rls_fixer.fix_run WHERE run_id = $1 FOR UPDATE",
            None,
            &[id.into()],
        ),
        None => c.update(
            "SELECT run_id, dry_run, false AS undone, session_user_name::text AS who, database_id
               FROM rls_fixer.fix_run
              WHERE NOT dry_run AND undone_at IS NULL AND statement_count > 0 AND session_user_name = session_user
              ORDER BY run_id DESC LIMIT 1 FOR UPDATE",
            None,
            &[],
        ),
    }
    .unwrap_or_else(|e| spi_err(e));
    if t.is_empty() {
        return None;
    }
    let r = t.first();
    let who: String = r.get_by_name("who").ok().flatten().unwrap_or_default();
    Some((
        r.get_by_name("run_id").ok().flatten().unwrap_or(0),
        r.get_by_name("dry_run").ok().flatten().unwrap_or(false),
        r.get_by_name("undone").ok().flatten().unwrap_or(false),
        format!("applied by {who}"),
        r.get_by_name("database_id").ok().flatten(),
    ))
}

/// Revert an applied run (default: the latest applied run of the calling session user not yet
/// undone), in reverse order, atomically; refuses, changing nothing, if an object is no longer
/// as the run left it.
#[pg_extern(volatile, parallel_unsafe)]
// search_path pinned in code (privilege::pinned): see rls_audit
pub fn rls_undo(
    run_id: default!(Option<i64>, "NULL"),
) -> TableIterator<'static, (name!(step, i32), name!(object_name, String), name!(statement, String))> {
    let reverts = crate::privilege::pinned(|| undo(run_id));
    TableIterator::new(reverts.into_iter().map(|r| (r.step, r.object_name, r.statement)))
}

fn undo(run_id: Option<i64>) -> Vec<Revert> {
    // the history is the extension owner's: read and lock it as that owner
    let (id, recorded, recorded_in) = as_extension_owner(|| {
        Spi::connect_mut(|c| {
            let Some((id, dry, undone, when, recorded_in)) = target_run(c, run_id) else {
                match run_id {
                    Some(id) => raise(
                        PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
                        format!("rls_undo: there is no run {id} in rls_fixer.fix_run"),
                        None,
                    ),
                    None => raise(
                        PgSqlErrorCode::ERRCODE_NO_DATA_FOUND,
                        "rls_undo: no applied run of yours is left to undo".into(),
                        Some("Name another user's run explicitly: SELECT * FROM rls_undo(run_id).".into()),
                    ),
                }
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
            if run_id.is_none() {
                pgrx::notice!("rls_undo: undoing run {id} ({when}), your latest applied run");
            }
            let rows = c
                .select(
                    "SELECT step, object_name, state FROM rls_fixer.fix_action WHERE run_id = $1 ORDER BY step DESC",
                    None,
                    &[id.into()],
                )
                .unwrap_or_else(|e| spi_err(e));
            let recorded: Vec<Recorded> = rows
                .map(|r| Recorded {
                    step: r.get_by_name("step").ok().flatten().unwrap_or(0),
                    object_name: r.get_by_name("object_name").ok().flatten().unwrap_or_default(),
                    state: r.get_by_name::<pgrx::JsonB, _>("state").ok().flatten().map(|j| j.0).unwrap_or_default(),
                })
                .collect();
            (id, recorded, recorded_in)
        })
    });
    // a run recorded in another database (the history came with pg_dump/pg_restore): find its
    // objects by name; runs of 0.1.0 recorded no database and are taken as this one's
    let here = as_extension_owner(super::database_id);
    let moved = recorded_in.is_some_and(|db| db != here);
    if moved {
        pgrx::notice!(
            "rls_undo: run {id} was recorded in another database (restored from a dump): its objects are found by name"
        );
    }
    let reverts = Spi::connect_mut(|c| {
        let (ok, changed): (Vec<_>, Vec<_>) = recorded.iter().map(|a| check_step(c, a, moved)).partition(|r| r.is_ok());
        if !changed.is_empty() {
            let changed: Vec<String> = changed.into_iter().filter_map(|r| r.err()).collect();
            raise(
                PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("rls_undo: run {id} cannot be undone, nothing was changed: {}", changed.join("; ")),
                Some("Undo by hand the objects that are still as the run left them (rls_fixer.fix_action shows each step's undo statement).".into()),
            );
        }
        let reverts: Vec<Revert> = ok.into_iter().filter_map(|r| r.ok()).collect();
        let steps = reverts.iter().map(|r| Step {
            step: r.step as usize,
            object_name: &r.object_name,
            statement: &r.statement,
        });
        run_ddl(c, Runner::Undo, id, steps);
        reverts
    });
    as_extension_owner(|| {
        Spi::connect_mut(|c| {
            c.update(
                "UPDATE rls_fixer.fix_run SET undone_at = pg_catalog.clock_timestamp(), undone_by = session_user WHERE run_id = $1",
                None,
                &[id.into()],
            )
            .map(|_| ())
        })
        .unwrap_or_else(|e| spi_err(e))
    });
    reverts
}
