//! The only place that runs DDL: `rls_fix`, `rls_undo` and the batches of `rls_fix_batched`.
//! Everything runs in the caller's transaction (all or nothing), under
//! `rls_fixer.lock_timeout`, recorded in `rls_fixer.fix_run` / `fix_action` and in the server log.

use pgrx::prelude::*;
use pgrx::spi::SpiClient;

use crate::api::with_ctx;
use crate::checks::Ctx;
use crate::plan::{self, Action, ActionKind};
use crate::raise;

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

fn spi_err(e: pgrx::spi::SpiError) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_fixer: SPI error: {e}"), None)
}

fn is_superuser() -> bool {
    unsafe { pgrx::pg_sys::superuser() }
}

/// Plan from a fresh audit; at most `units` objects when batching.
fn make_plan(units: Option<usize>) -> (Vec<Action>, usize) {
    let actions = with_ctx(|_, _, ctx| plan::plan(ctx, &crate::checks::run_all(ctx)));
    match units {
        Some(n) => plan::first_batch(&actions, n),
        None => (actions, 0),
    }
}

fn state_json(a: &Action) -> String {
    serde_json::to_string(a).expect("serialising an action cannot fail")
}

/// Run one statement; a lock timeout (or any error) becomes an error naming the object and
/// saying that nothing was applied (the transaction is aborted).
fn execute(run_id: i64, step: usize, a: &Action, lock_timeout: &str) {
    let (who, what) = if a.check_name == "undo" { ("rls_undo", "undo of run") } else { ("rls_fix", "run") };
    pgrx::log!("rls_fixer: {what} {run_id} step {step}: {}", a.statement);
    let stmt = a.statement.clone();
    let result = PgTryBuilder::new(|| Spi::run(stmt.as_str()))
        .catch_when(PgSqlErrorCode::ERRCODE_LOCK_NOT_AVAILABLE, |_| {
            raise(
                PgSqlErrorCode::ERRCODE_LOCK_NOT_AVAILABLE,
                format!("{who}: {} is busy: could not lock it within rls_fixer.lock_timeout ({lock_timeout}); nothing was applied", a.object_name),
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
                hint.push_str("Each ALTER TABLE / CREATE POLICY holds a lock until the transaction ends: use CALL rls_fix_batched(500), which commits after each batch. ");
            }
            hint.push_str(&format!("The statement was: {}", a.statement));
            raise(code, format!("{who}: step {step} on {} failed: {msg}; nothing was applied", a.object_name), Some(hint))
        })
        .execute();
    if let Err(e) = result {
        spi_err(e)
    }
}

/// Run statements under `rls_fixer.lock_timeout` (the caller's value restored afterwards),
/// logged with their run and step, with the new-table event trigger kept quiet.
fn run_ddl<'a>(c: &mut SpiClient<'_>, run_id: i64, steps: impl Iterator<Item = (usize, &'a Action)>) {
    let lock_timeout = crate::guc::lock_timeout();
    let previous: String = c
        .select("SELECT current_setting('lock_timeout')", None, &[])
        .and_then(|t| t.first().get_one::<String>())
        .unwrap_or_else(|e| spi_err(e))
        .unwrap_or_default();
    c.update("SELECT set_config('lock_timeout', $1, true)", None, &[lock_timeout.as_str().into()]).unwrap_or_else(|e| spi_err(e));
    {
        let _applying = Applying::start();
        for (step, a) in steps {
            execute(run_id, step, a, &lock_timeout);
        }
    }
    c.update("SELECT set_config('lock_timeout', $1, true)", None, &[previous.as_str().into()]).unwrap_or_else(|e| spi_err(e));
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
    let run_id = Spi::connect_mut(|c| {
        let run_id: i64 = c
            .update("INSERT INTO rls_fixer.fix_run (dry_run, batched) VALUES ($1, $2) RETURNING run_id", None, &[dry_run.into(), batched.into()])
            .and_then(|t| t.first().get_one::<i64>())
            .unwrap_or_else(|e| spi_err(e))
            .unwrap_or_else(|| raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, "rls_fix: recording the run returned no run_id".into(), None));
        if !dry_run && !actions.is_empty() {
            run_ddl(c, run_id, actions.iter().enumerate().map(|(i, a)| (i + 1, a)));
        }
        let steps: Vec<i32> = (1..=actions.len() as i32).collect();
        let checks: Vec<String> = actions.iter().map(|a| a.check_name.to_string()).collect();
        let objects: Vec<String> = actions.iter().map(|a| a.object_name.clone()).collect();
        let stmts: Vec<String> = actions.iter().map(|a| a.statement.clone()).collect();
        let undos: Vec<String> = actions.iter().map(|a| a.undo.clone()).collect();
        let states: Vec<String> = actions.iter().map(state_json).collect();
        c.update(
            "INSERT INTO rls_fixer.fix_action (run_id, step, check_name, object_name, statement, undo_statement, state)
             SELECT $1, s, ck, o, st, u, js::jsonb FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(s, ck, o, st, u, js)",
            None,
            &[run_id.into(), steps.into(), checks.into(), objects.into(), stmts.into(), undos.into(), states.into()],
        )
        .unwrap_or_else(|e| spi_err(e));
        c.update(
            "UPDATE rls_fixer.fix_run SET finished_at = clock_timestamp(), statement_count = $2 WHERE run_id = $1",
            None,
            &[run_id.into(), (actions.len() as i32).into()],
        )
        .unwrap_or_else(|e| spi_err(e));
        run_id
    });
    if !dry_run && !actions.is_empty() {
        pgrx::log!("rls_fixer: run {run_id} applied {} statements", actions.len());
    }
    run_id
}

/// Plan the fixes for every finding that can be fixed automatically; with `dry_run => false`
/// apply them atomically in the caller's transaction.
#[pg_extern(volatile, parallel_unsafe)]
pub fn rls_fix(dry_run: default!(bool, true)) -> TableIterator<
    'static,
    (name!(step, i32), name!(check_name, String), name!(object_name, String), name!(statement, String), name!(applied, bool)),
> {
    let (actions, _) = make_plan(None);
    run(dry_run, false, &actions);
    TableIterator::new(actions.into_iter().enumerate().map(move |(i, a)| (i as i32 + 1, a.check_name.to_string(), a.object_name, a.statement, !dry_run)))
}

/// Functions in the internal `rls_fixer` schema.
#[pg_schema]
mod rls_fixer {
    use pgrx::prelude::*;

    /// One batch of `rls_fix_batched`: apply the fixes of at most `batch_size` objects.
    #[pg_extern(volatile, parallel_unsafe)]
    pub fn fix_batch(
        batch_size: i32,
    ) -> TableIterator<'static, (name!(run_id, i64), name!(objects, i32), name!(statements, i32), name!(remaining, i32))> {
        super::fix_batch(batch_size)
    }

    /// Plan once for `rls_fix_batched`: the number of objects to fix.
    #[pg_extern(volatile, parallel_unsafe)]
    pub fn fix_batch_plan() -> i32 {
        super::fix_batch_plan()
    }

    /// Called by the `rls_fixer_new_tenant_table` event trigger at ddl_command_end.
    #[pg_extern(volatile, parallel_unsafe)]
    pub fn protect_new_tables(relations: Vec<i64>, command_tag: &str) {
        super::protect_new_tables(relations, command_tag)
    }
}

thread_local! {
    /// The plan `rls_fix_batched` works through: made once per CALL by `fix_batch_plan()`,
    /// consumed batch by batch across the procedure's transactions (same backend).
    static PENDING: std::cell::RefCell<Vec<Action>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Plan once for `rls_fix_batched`; returns the number of objects to fix. Refuses before any
/// change if the plan needs a superuser and the caller is not one.
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
fn fix_batch(
    batch_size: i32,
) -> TableIterator<'static, (name!(run_id, i64), name!(objects, i32), name!(statements, i32), name!(remaining, i32))> {
    if batch_size < 1 {
        raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, format!("batch_size must be positive, not {batch_size}"), None);
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
    let args = if matches!(kind, ActionKind::CreatePolicy { .. }) { vec![oid.into(), policy.as_str().into()] } else { vec![oid.into()] };
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
                Some(id) => raise(PgSqlErrorCode::ERRCODE_NO_DATA_FOUND, format!("rls_undo: there is no run {id} in rls_fixer.fix_run"), None),
                None => raise(PgSqlErrorCode::ERRCODE_NO_DATA_FOUND, "rls_undo: no applied run is left to undo".into(), None),
            },
        };
        if dry {
            raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, format!("rls_undo: run {id} was a dry run; it changed nothing"), None);
        }
        if undone {
            raise(PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, format!("rls_undo: run {id} was already undone"), None);
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
        let undo: Vec<Action> = actions
            .iter()
            .map(|a| Action {
                check_name: "undo",
                object_name: a.object_name.clone(),
                statement: a.undo.clone(),
                undo: String::new(),
                kind: ActionKind::EnableRls,
                oid: 0,
                unit: (0, String::new()),
                needs_superuser: false,
            })
            .collect();
        run_ddl(c, id, actions.iter().map(|a| a.step as usize).zip(undo.iter()));
        let out: Vec<(i32, String, String)> = actions.iter().map(|a| (a.step, a.object_name.clone(), a.undo.clone())).collect();
        c.update("UPDATE rls_fixer.fix_run SET undone_at = clock_timestamp(), undone_by = session_user WHERE run_id = $1", None, &[id.into()])
            .unwrap_or_else(|e| spi_err(e));
        out
    });
    TableIterator::new(rows)
}

/// New tenant tables (CREATE TABLE, CREATE TABLE … PARTITION OF, ALTER TABLE … ADD COLUMN
/// <tenant column>): warn with the fix, or apply it in the same transaction (recorded as a run,
/// undoable), as `rls_fixer.on_new_tenant_table` says.
fn protect_new_tables(relations: Vec<i64>, command_tag: &str) {
    use crate::guc::{OnNewTenantTable, ON_NEW_TENANT_TABLE};
    let mode = ON_NEW_TENANT_TABLE.get();
    if mode == OnNewTenantTable::Off || applying() || relations.is_empty() {
        return;
    }
    let cfg = match crate::guc::config() {
        Ok(c) => c,
        Err(e) => {
            pgrx::warning!("rls_fixer: new tables not checked: {}", e.message);
            return;
        }
    };
    // roles are not loaded: judge only the table itself
    let cfg = crate::snapshot::Config { app_roles: None, bypass_roles: vec![], ..cfg };
    let snap = crate::catalog::load_relations(&cfg, relations, command_tag == "ALTER TABLE").unwrap_or_else(|e| spi_err(e));
    let ctx = Ctx::new(&snap, &cfg).unwrap_or_else(|e| crate::api::raise_config(e));
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
            .set_hint("Run SELECT rls_fix(false), or SET rls_fixer.on_new_tenant_table = protect to do it automatically.")
            .report(PgLogLevel::WARNING);
        } else {
            actions.extend(fix);
        }
    }
    if !actions.is_empty() {
        let run_id = run(false, false, &actions);
        let mut tables: Vec<&str> = actions.iter().map(|a| a.object_name.as_str()).collect();
        tables.dedup();
        pgrx::notice!("rls_fixer: protected new tenant table(s) {} (run {run_id}, undo with SELECT rls_undo({run_id}))", tables.join(", "));
    }
}
