//! Protected mode: the tenant lives in `rls_fixer.tenant`, a superuser-only (SUSET) setting that
//! only the extension's own C functions change (they set it with superuser context; `SET`,
//! `set_config`, `SET LOCAL`, a function's `SET` clause and `ALTER ROLE/DATABASE … SET` are
//! refused to everyone else, and a placeholder of the same name set before the library loads is
//! discarded when it loads). PostgreSQL's setting machinery gives the rest for free: a local
//! context ends with its transaction (commit or rollback), a savepoint rollback restores the
//! previous one, `RESET ALL`/`DISCARD ALL` clear it.
//!
//! Generated policies compare with `rls_fixer.tenant()`, which a planner support function folds
//! to a constant at plan time (`SupportRequestSimplify`): plain index lookups, constant
//! comparisons in scans, plan-time partition pruning, no per-query InitPlan. Cached plans never
//! leak: each folding records a plan dependency on the accessor
//! (`record_plan_function_dependency`), and every change of the tenant to a value other than
//! the ones folded since the last invalidation — set, clear, the end of a transaction-local
//! context, a rollback, `RESET ALL`, `DISCARD ALL` — invalidates the plans depending on it
//! before anything else runs (the assign hook of the setting calls the plan cache's own
//! callback for that function): prepared statements, PL/pgSQL and SQL function plans, SPI saved
//! plans, cached expressions. They are rebuilt, with the new tenant, at their next use.
//!
//! Only plans the plan cache manages are folded: top-level statements (simple and extended
//! protocol, `PREPARE`/`EXECUTE`, `EXPLAIN`). Plans made while another statement executes —
//! inside functions (SQL functions keep private plans for the rest of the transaction on
//! PostgreSQL 15–17, which no invalidation reaches), procedures (`CALL`), `DO` blocks and
//! triggers — are not folded: there `rls_fixer.tenant()` is read when the query runs, as the
//! setting form does. Neither are expressions simplified outside a planner (no `root`), nor
//! plans made during the statement that loaded the library (its hooks were not in place when
//! that statement started executing). A plan already executing (an open cursor) keeps the tenant
//! it started with.

use std::cell::RefCell;
use std::ffi::{CStr, CString};

use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::{GucContext, GucFlags, GucRegistry, GucSetting, Internal};

/// The protected tenant ("" when none).
pub static TENANT: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);

pub const GUC_NAME: &CStr = c"rls_fixer.tenant";

thread_local! {
    /// Tenants folded into plans since the last invalidation (None: folded as "no tenant"),
    /// and the accessor functions whose plans to invalidate.
    static FOLDED: RefCell<(Vec<Option<String>>, Vec<pg_sys::Oid>)> = const { RefCell::new((Vec::new(), Vec::new())) };
    /// The value in force, kept by the assign hook: the accessor and the guard read it without
    /// copying the setting.
    static CURRENT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Executor and utility hooks count how deep we are in statement execution (see [`nested`]).
static mut PREV_RUN: pg_sys::ExecutorRun_hook_type = None;
static mut PREV_FINISH: pg_sys::ExecutorFinish_hook_type = None;
static mut PREV_UTILITY: pg_sys::ProcessUtility_hook_type = None;

thread_local! {
    static NESTING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// the start of the top-level statement during which the library was loaded
    static LOADED_IN: std::cell::Cell<i64> = const { std::cell::Cell::new(i64::MIN) };
}

/// Leaves one level of execution when dropped (also when an error unwinds).
struct Level;

impl Level {
    fn enter() -> Level {
        NESTING.with(|n| n.set(n.get() + 1));
        Level
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        NESTING.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// Is a plan made now made while another statement executes, or during the top-level statement
/// that loaded the library (whose execution started before the hooks counted)? Then it is not
/// folded. (The statement timestamp is the client message's: it stays the same inside functions
/// and across the transactions a procedure commits.)
fn nested() -> bool {
    NESTING.with(|n| n.get() > 0)
        || LOADED_IN.with(|t| t.get() == unsafe { pg_sys::GetCurrentStatementStartTimestamp() })
}

#[cfg(not(feature = "pg18"))]
#[pg_guard]
unsafe extern "C-unwind" fn run_hook(
    q: *mut pg_sys::QueryDesc,
    dir: pg_sys::ScanDirection::Type,
    count: u64,
    once: bool,
) {
    let _level = Level::enter();
    match PREV_RUN {
        Some(prev) => prev(q, dir, count, once),
        None => pg_sys::standard_ExecutorRun(q, dir, count, once),
    }
}

#[cfg(feature = "pg18")]
#[pg_guard]
unsafe extern "C-unwind" fn run_hook(q: *mut pg_sys::QueryDesc, dir: pg_sys::ScanDirection::Type, count: u64) {
    let _level = Level::enter();
    match PREV_RUN {
        Some(prev) => prev(q, dir, count),
        None => pg_sys::standard_ExecutorRun(q, dir, count),
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn finish_hook(q: *mut pg_sys::QueryDesc) {
    let _level = Level::enter();
    match PREV_FINISH {
        Some(prev) => prev(q),
        None => pg_sys::standard_ExecutorFinish(q),
    }
}

/// `CALL` and `DO` run procedure and block bodies: their plans count as nested.
#[allow(clippy::too_many_arguments)]
#[pg_guard]
unsafe extern "C-unwind" fn utility_hook(
    pstmt: *mut pg_sys::PlannedStmt,
    query: *const std::ffi::c_char,
    read_only_tree: bool,
    context: pg_sys::ProcessUtilityContext::Type,
    params: pg_sys::ParamListInfo,
    env: *mut pg_sys::QueryEnvironment,
    dest: *mut pg_sys::DestReceiver,
    qc: *mut pg_sys::QueryCompletion,
) {
    let stmt = (*pstmt).utilityStmt;
    let body = !stmt.is_null() && matches!((*stmt).type_, pg_sys::NodeTag::T_CallStmt | pg_sys::NodeTag::T_DoStmt);
    let _level = body.then(Level::enter);
    match PREV_UTILITY {
        Some(prev) => prev(pstmt, query, read_only_tree, context, params, env, dest, qc),
        None => pg_sys::standard_ProcessUtility(pstmt, query, read_only_tree, context, params, env, dest, qc),
    }
}

pub fn init() {
    unsafe {
        LOADED_IN.with(|t| t.set(pg_sys::GetCurrentStatementStartTimestamp()));
        PREV_RUN = pg_sys::ExecutorRun_hook;
        pg_sys::ExecutorRun_hook = Some(run_hook);
        PREV_FINISH = pg_sys::ExecutorFinish_hook;
        pg_sys::ExecutorFinish_hook = Some(finish_hook);
        PREV_UTILITY = pg_sys::ProcessUtility_hook;
        pg_sys::ProcessUtility_hook = Some(utility_hook);
    }
    unsafe {
        GucRegistry::define_string_guc_with_hooks(
            GUC_NAME,
            c"The tenant in force in protected mode (set only by set_tenant_context() and its signed form).",
            c"Superuser-only: the application cannot SET it; read it with current_tenant_id().",
            &TENANT,
            GucContext::Suset,
            GucFlags::default(),
            None,
            Some(assign_tenant),
            None,
        );
    }
}

/// Called by PostgreSQL whenever the value changes, including when a transaction's local value
/// ends, a savepoint is rolled back, or RESET ALL / DISCARD ALL run: invalidate the plans folded
/// with another tenant (or none). Never raises an error.
#[pg_guard]
unsafe extern "C-unwind" fn assign_tenant(newval: *const std::ffi::c_char, _extra: *mut std::ffi::c_void) {
    let new = if newval.is_null() { None } else { CStr::from_ptr(newval).to_str().ok().filter(|s| !s.is_empty()) };
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        c.clear();
        c.push_str(new.unwrap_or(""));
    });
    FOLDED.with(|f| {
        let mut f = f.borrow_mut();
        if f.0.iter().all(|v| v.as_deref() == new) {
            return;
        }
        for oid in &f.1 {
            let hash = pg_sys::GetSysCacheHashValue(
                pg_sys::SysCacheIdentifier::PROCOID as i32,
                pg_sys::Datum::from(*oid),
                pg_sys::Datum::from(0),
                pg_sys::Datum::from(0),
                pg_sys::Datum::from(0),
            );
            pg_sys::CallSyscacheCallbacks(pg_sys::SysCacheIdentifier::PROCOID as i32, hash);
        }
        f.0.clear();
    });
}

/// The protected tenant, None when none.
pub fn current() -> Option<String> {
    CURRENT.with(|c| {
        let c = c.borrow();
        if c.is_empty() {
            None
        } else {
            Some(c.clone())
        }
    })
}

/// Set (or clear, with "") the protected tenant, as the extension: superuser context, so the
/// caller's privileges do not matter. `is_local`: until the transaction ends.
pub fn set(value: &CStr, is_local: bool) {
    let action = if is_local { pg_sys::GucAction::GUC_ACTION_LOCAL } else { pg_sys::GucAction::GUC_ACTION_SET };
    unsafe {
        pg_sys::set_config_option(
            GUC_NAME.as_ptr(),
            value.as_ptr(),
            pg_sys::GucContext::PGC_SUSET,
            pg_sys::GucSource::PGC_S_SESSION,
            action,
            true,
            0,
            false,
        );
    }
}

/// `rls_fixer.tenant()`: the protected tenant, NULL when none. Generated policies compare with
/// it; the planner folds it to a constant (see [`tenant_support`]).
#[pg_extern(stable, parallel_safe, schema = "rls_fixer", support = tenant_support)]
pub fn tenant() -> Option<String> {
    current()
}

/// Planner support for `rls_fixer.tenant()`: SupportRequestSimplify → a text constant holding
/// the tenant in force, with a plan dependency on the accessor so a tenant change invalidates
/// the plan.
#[pg_extern(immutable, parallel_safe, schema = "rls_fixer")]
pub fn tenant_support(req: Internal) -> Internal {
    let none = Internal::from(Some(pg_sys::Datum::from(0usize)));
    let Some(datum) = req.unwrap() else { return none };
    unsafe {
        let node = datum.cast_mut_ptr::<pg_sys::Node>();
        if node.is_null() || (*node).type_ != pg_sys::NodeTag::T_SupportRequestSimplify {
            return none;
        }
        let simplify = node as *mut pg_sys::SupportRequestSimplify;
        let root = (*simplify).root;
        let fcall = (*simplify).fcall;
        if root.is_null() || fcall.is_null() || nested() {
            // not inside a planner (nothing would invalidate a folded value), or planning inside
            // another statement's execution (a function's private plans): read at run time
            return none;
        }
        let funcid = (*fcall).funcid;
        pg_sys::record_plan_function_dependency(root, funcid);
        let value = current();
        FOLDED.with(|f| {
            let mut f = f.borrow_mut();
            if !f.0.contains(&value) {
                f.0.push(value.clone());
            }
            if !f.1.contains(&funcid) {
                f.1.push(funcid);
            }
        });
        let c = match value {
            Some(v) => {
                let cv = CString::new(v).unwrap_or_default();
                let t = pg_sys::cstring_to_text(cv.as_ptr());
                pg_sys::makeConst(
                    pg_sys::TEXTOID,
                    -1,
                    pg_sys::DEFAULT_COLLATION_OID,
                    -1,
                    pg_sys::Datum::from(t),
                    false,
                    false,
                )
            }
            None => pg_sys::makeConst(
                pg_sys::TEXTOID,
                -1,
                pg_sys::DEFAULT_COLLATION_OID,
                -1,
                pg_sys::Datum::from(0usize),
                true,
                false,
            ),
        };
        Internal::from(Some(pg_sys::Datum::from(c)))
    }
}
