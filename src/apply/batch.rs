//! `rls_fix_batched`: one plan per CALL, applied in batches of objects, each batch its own
//! recorded run and transaction.

use pgrx::prelude::*;
use pgrx::search_path;

use super::{is_superuser, make_plan, run};
use crate::error::raise;
use crate::plan::{self, Action};

thread_local! {
    /// The plan `rls_fix_batched` works through: made once per CALL by `fix_batch_plan()`,
    /// consumed batch by batch across the procedure's transactions (same backend).
    static PENDING: std::cell::RefCell<Vec<Action>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Plan once for `rls_fix_batched`; returns the number of objects to fix. Refuses before any
/// change if the plan needs a superuser and the caller is not one.
/// Plan once for `rls_fix_batched`: the number of objects to fix.
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
fn fix_batch_plan() -> i32 {
    let (actions, _) = make_plan(None);
    if !is_superuser() {
        if let Some(a) = actions.iter().find(|a| a.needs_superuser) {
            raise(
                PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
                format!("rls_fix_batched: {} needs a superuser; nothing was applied", a.statement),
                Some("Run it as a superuser, or fix the role by hand and run it again.".into()),
            );
        }
    }
    let mut units: Vec<&(u8, String)> = actions.iter().map(|a| &a.unit).collect();
    units.dedup();
    let n = units.len() as i32;
    PENDING.with(|p| *p.borrow_mut() = actions);
    n
}

/// Apply the next batch of the pending plan: at most `batch_size` objects, one recorded run.
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
fn fix_batch(
    batch_size: i32,
) -> TableIterator<'static, (name!(run_id, i64), name!(objects, i32), name!(statements, i32), name!(remaining, i32))> {
    if batch_size < 1 {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("batch_size must be positive, not {batch_size}"),
            None,
        );
    }
    let pending = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    let (batch, remaining) = plan::first_batch(&pending, batch_size as usize);
    let rest = pending[batch.len()..].to_vec();
    if batch.is_empty() {
        return TableIterator::once((0, 0, 0, 0));
    }
    let run_id = run(false, true, &batch);
    // only once this batch is applied (an error leaves nothing pending: re-CALL re-plans)
    PENDING.with(|p| *p.borrow_mut() = rest);
    let mut units: Vec<&(u8, String)> = batch.iter().map(|a| &a.unit).collect();
    units.dedup();
    TableIterator::once((run_id, units.len() as i32, batch.len() as i32, remaining as i32))
}
