//! The only place that runs DDL: `rls_fix`, `rls_undo` and the batches of `rls_fix_batched`.
//! Everything runs in the caller's transaction (all or nothing), under
//! `rls_fixer.lock_timeout`, recorded in `rls_fixer.fix_run` / `fix_action` and in the server log.

use pgrx::prelude::*;
use pgrx::spi::SpiClient;

use crate::error::{raise, spi_err as spi_error};
use crate::plan::{self, Action};
use crate::prepare::with_ctx;
use crate::privilege::as_extension_owner;

mod batch;
mod new_tables;
mod undo;
mod uninstall;

thread_local! {
    static APPLYING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Set while rls_fix / rls_undo run their DDL, so the new-table event trigger stays out of the
/// way; reset on drop, also when an error unwinds.
struct Applying;

impl Applying {
    fn start() -> Applying {
        APPLYING.with(|a| a.set(true));
        Applying
    }
}

impl Drop for Applying {
    fn drop(&mut self) {
        APPLYING.with(|a| a.set(false));
    }
}

pub fn applying() -> bool {
    APPLYING.with(|a| a.get())
}

pub(crate) fn spi_err(e: pgrx::spi::SpiError) -> ! {
    spi_error("SPI error", e)
}

pub(crate) use crate::privilege::is_superuser;

/// Plan from a fresh audit; at most `units` objects when batching. Warns about the objects the
/// plan's FORCE subjects to policies (see the force_affects_owner_objects check).
pub(crate) fn make_plan(units: Option<usize>) -> (Vec<Action>, usize) {
    with_ctx(|cfg, _, ctx| {
        let actions = plan::plan(ctx, &crate::prepare::findings_to_fix(cfg, ctx));
        let (actions, rest) = match units {
            Some(n) => plan::first_batch(&actions, n),
            None => (actions, 0),
        };
        warn_owner_objects(ctx, &actions);
        (actions, rest)
    })
}

/// One WARNING per materialized view, view or SECURITY DEFINER function whose owner the plan's
/// ENABLE/FORCE newly subjects to a tenant table's policies, with what changes and the remedy.
fn warn_owner_objects(ctx: &crate::checks::Ctx, actions: &[Action]) {
    use plan::ActionKind;
    let forced: std::collections::HashSet<crate::snapshot::Oid> = actions
        .iter()
        .filter(|a| matches!(a.kind, ActionKind::ForceRls | ActionKind::EnableRls))
        .map(|a| a.oid)
        .collect();
    if forced.is_empty() {
        return;
    }
    for o in crate::checks::owner_objects(ctx, |t| forced.contains(&t.oid)) {
        let tables: Vec<&str> = o.tables.iter().map(|t| t.qname.as_str()).collect();
        pgrx::ereport!(
            PgLogLevel::WARNING,
            PgSqlErrorCode::ERRCODE_WARNING,
            format!(
                "rls_fix: forcing row-level security on {} subjects {} {} (owner {}) to its policies",
                tables.join(", "),
                o.kind,
                o.name,
                ctx.ix.role_name(o.owner)
            ),
            o.effect(ctx)
        );
    }
}

fn state_json(a: &Action) -> String {
    serde_json::to_string(a).expect("serialising an action cannot fail")
}

/// Who runs DDL: the words its messages and log lines use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runner {
    Fix,
    Undo,
}

impl Runner {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Runner::Fix => ("rls_fix", "run"),
            Runner::Undo => ("rls_undo", "undo of run"),
        }
    }
}

/// One statement to run: its step number in the run and the object it changes.
pub(crate) struct Step<'a> {
    pub step: usize,
    pub object_name: &'a str,
    pub statement: &'a str,
}

/// Run one statement; a lock timeout (or any error) becomes an error naming the object and
/// saying that nothing was applied (the transaction is aborted).
fn execute(runner: Runner, run_id: i64, s: &Step<'_>, lock_timeout: &str) {
    let (who, what) = runner.names();
    let step = s.step;
    pgrx::log!("rls_fixer: {what} {run_id} step {step}: {}", s.statement);
    // one command at a time: Citus forwards a DDL command's whole query string to the shards,
    // and refuses one that holds several (a policy rebuilt in another form is DROP; CREATE)
    let result = PgTryBuilder::new(|| crate::ddl::split_statements(s.statement).into_iter().try_for_each(Spi::run))
        .catch_when(PgSqlErrorCode::ERRCODE_LOCK_NOT_AVAILABLE, |_| {
            raise(
                PgSqlErrorCode::ERRCODE_LOCK_NOT_AVAILABLE,
                format!(
                    "{who}: {} is busy: could not lock it within rls_fixer.lock_timeout ({lock_timeout}); nothing was applied",
                    s.object_name
                ),
                Some("Long transactions hold locks on it. Retrying is safe: rls_fix plans again from the current state.".into()),
            )
        })
        .catch_others(|e| {
            let r = match &e {
                pg_sys::panic::CaughtError::PostgresError(r) | pg_sys::panic::CaughtError::ErrorReport(r) => r,
                pg_sys::panic::CaughtError::RustPanic { ereport, .. } => ereport,
            };
            let (code, msg) = (r.sql_error_code(), r.message().to_string());
            let mut hint = r.hint().map(|h| format!("{h} ")).unwrap_or_default();
            if code == PgSqlErrorCode::ERRCODE_OUT_OF_MEMORY {
                hint.push_str(
                    "Each ALTER TABLE / CREATE POLICY holds a lock until the transaction ends: use CALL rls_fix_batched(500), which commits after each batch. ",
                );
            }
            hint.push_str(&format!("The statement was: {}", s.statement));
            raise(code, format!("{who}: step {step} on {} failed: {msg}; nothing was applied", s.object_name), Some(hint))
        })
        .execute();
    if let Err(e) = result {
        spi_err(e)
    }
}

/// Run statements under `rls_fixer.lock_timeout` (the caller's value restored afterwards),
/// logged with their run and step, with the new-table event trigger kept quiet.
pub(crate) fn run_ddl<'a>(c: &mut SpiClient<'_>, runner: Runner, run_id: i64, steps: impl Iterator<Item = Step<'a>>) {
    let lock_timeout = crate::config::lock_timeout();
    let previous: String = c
        .select("SELECT pg_catalog.current_setting('lock_timeout')", None, &[])
        .and_then(|t| t.first().get_one::<String>())
        .unwrap_or_else(|e| spi_err(e))
        .unwrap_or_default();
    c.update("SELECT pg_catalog.set_config('lock_timeout', $1, true)", None, &[lock_timeout.as_str().into()])
        .unwrap_or_else(|e| spi_err(e));
    {
        let _applying = Applying::start();
        for s in steps {
            execute(runner, run_id, &s, &lock_timeout);
        }
    }
    c.update("SELECT pg_catalog.set_config('lock_timeout', $1, true)", None, &[previous.as_str().into()])
        .unwrap_or_else(|e| spi_err(e));
}

/// Apply (unless `dry_run`) a plan in the caller's transaction and record the run.
pub fn run(dry_run: bool, batched: bool, actions: &[Action]) -> i64 {
    if !dry_run && !is_superuser() {
        if let Some(a) = actions.iter().find(|a| a.needs_superuser) {
            raise(
                PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
                format!("rls_fix: {} needs a superuser; nothing was applied", a.statement),
                Some("Run rls_fix(false) as a superuser, or fix the role by hand and run it again.".into()),
            );
        }
    }
    let run_id = as_extension_owner(|| record_run(dry_run, batched));
    if !dry_run && !actions.is_empty() {
        // the baseline rls_perf_report compares with, taken before any lock is held; never
        // fails the run
        crate::perf::record_snapshot(run_id, actions);
        Spi::connect_mut(|c| {
            let steps = actions.iter().enumerate().map(|(i, a)| Step {
                step: i + 1,
                object_name: &a.object_name,
                statement: &a.statement,
            });
            run_ddl(c, Runner::Fix, run_id, steps)
        });
    }
    as_extension_owner(|| record_actions(run_id, actions));
    if !dry_run && !actions.is_empty() {
        pgrx::log!("rls_fixer: run {run_id} applied {} statements", actions.len());
    }
    run_id
}

/// Plan the fixes for every finding that can be fixed automatically; with `dry_run => false`
/// apply them atomically in the caller's transaction.
#[pg_extern(volatile, parallel_unsafe)]
// search_path and jit pinned in code (privilege::pinned): see rls_audit
pub fn rls_fix(
    dry_run: default!(bool, true),
) -> TableIterator<
    'static,
    (
        name!(step, i32),
        name!(check_name, String),
        name!(object_name, String),
        name!(statement, String),
        name!(applied, bool),
    ),
> {
    let actions = crate::privilege::pinned(|| {
        let (actions, _) = make_plan(None);
        run(dry_run, false, &actions);
        actions
    });
    TableIterator::new(
        actions
            .into_iter()
            .enumerate()
            .map(move |(i, a)| (i as i32 + 1, a.check_name.to_string(), a.object_name, a.statement, !dry_run)),
    )
}

// ---------------------------------------------------------------- run log
// Written only here, as the extension owner: no other role may write the history (admins read
// it), so what rls_undo later reads back is what rls_fix recorded.

/// Which database this is: the cluster's system identifier and the database's oid. Recorded
/// with each run; a restored history carries another one, and rls_undo then finds objects by
/// name (their oids changed).
pub(crate) fn database_id() -> String {
    Spi::get_one::<String>(
        "SELECT s.system_identifier::text || ':' || d.oid::text
           FROM pg_catalog.pg_control_system() s, pg_catalog.pg_database d
          WHERE d.datname = pg_catalog.current_database()",
    )
    .unwrap_or_else(|e| spi_err(e))
    .unwrap_or_default()
}

/// A new row in `rls_fixer.fix_run`; its run id.
fn record_run(dry_run: bool, batched: bool) -> i64 {
    Spi::connect_mut(|c| {
        c.update(
            "INSERT INTO rls_fixer.fix_run (dry_run, batched, database_id) VALUES ($1, $2, ($3)) RETURNING run_id",
            None,
            &[dry_run.into(), batched.into(), database_id().into()],
        )
        .and_then(|t| t.first().get_one::<i64>())
    })
    .unwrap_or_else(|e| spi_err(e))
    .unwrap_or_else(|| {
        raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, "rls_fix: recording the run returned no run_id".into(), None)
    })
}

/// The run's statements, their undo and the state each leaves (what rls_undo checks and
/// rebuilds its statements from), and the run's end.
fn record_actions(run_id: i64, actions: &[Action]) {
    let steps: Vec<i32> = (1..=actions.len() as i32).collect();
    let checks: Vec<String> = actions.iter().map(|a| a.check_name.to_string()).collect();
    let objects: Vec<String> = actions.iter().map(|a| a.object_name.clone()).collect();
    let stmts: Vec<String> = actions.iter().map(|a| a.statement.clone()).collect();
    let undos: Vec<String> = actions.iter().map(|a| a.undo.clone()).collect();
    let states: Vec<String> = actions.iter().map(state_json).collect();
    Spi::connect_mut(|c| {
        c.update(
            "INSERT INTO rls_fixer.fix_action (run_id, step, check_name, object_name, statement, undo_statement, state)
             SELECT $1, s, ck, o, st, u, js::jsonb FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(s, ck, o, st, u, js)",
            None,
            &[run_id.into(), steps.into(), checks.into(), objects.into(), stmts.into(), undos.into(), states.into()],
        )?;
        c.update(
            "UPDATE rls_fixer.fix_run SET finished_at = pg_catalog.clock_timestamp(), statement_count = $2 WHERE run_id = $1",
            None,
            &[run_id.into(), (actions.len() as i32).into()],
        )
        .map(|_| ())
    })
    .unwrap_or_else(|e| spi_err(e));
}
