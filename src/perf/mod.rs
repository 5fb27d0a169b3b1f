//! What RLS costs in production: `rls_perf_report()`, from pg_stat_statements.
//!
//! - Every applied fix run records, just before its DDL runs, a compact snapshot of the
//!   pg_stat_statements entries (role, query id, calls, total time, rows; never texts) of the
//!   statements reaching the relations it changes: [`record_snapshot`], called by the runner
//!   (`apply::run`). It never makes a fix fail: without pg_stat_statements nothing is recorded,
//!   and any error while recording is rolled back (a subtransaction) and becomes a WARNING.
//! - `rls_perf_report(since_run)` lists the statements on tenant tables now, each against the
//!   snapshot of its fix run, with the likely causes from the catalog ([`causes`]) and the fix
//!   where one is safe.
//! - `rls_check()` records the top regressions in its history row ([`regressions_json`]).
//!
//! Which statements reach a table: their text is parsed with PostgreSQL's raw parser
//! ([`parse`]), the names resolved against the catalog ([`touch`]).
//!
//! Who sees what: pg_stat_statements is read as the caller for the report, so query texts (and
//! query ids) of other roles are shown only to those who could read them there (superusers and
//! pg_read_all_stats); the snapshot table is read as the extension owner only for the entries
//! the caller sees. Snapshots are read and written as the extension owner, which is the one
//! that can see every entry at fix time.

use pgrx::pg_sys;
use pgrx::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;

use crate::checks::Ctx;
use crate::config::Config;
use crate::ddl;
use crate::error::{raise, spi_err};
use crate::plan::{Action, ActionKind};
use crate::prepare::with_ctx;
use crate::privilege::{as_extension_owner, pinned};
use crate::snapshot::{Oid, RelKind, Snapshot};

pub mod causes;
pub mod parse;
#[cfg(any(test, feature = "pg_test"))]
mod pg_tests;
pub mod report;
#[cfg(test)]
mod tests;
pub mod touch;

pub use causes::{Cause, Causes, TableStats};
pub use report::{Baseline, Comparison, Current, SnapRow};
pub use touch::{Named, Refs, Resolver};

const LOCATE: &str = include_str!("../../sql/perf/locate.sql");
const STATEMENTS: &str = include_str!("../../sql/perf/statements.sql");
const STATS_RESET: &str = include_str!("../../sql/perf/stats_reset.sql");
const REACHING: &str = include_str!("../../sql/perf/reaching.sql");
const TABLE_STATS: &str = include_str!("../../sql/perf/table_stats.sql");
const RECORD: &str = include_str!("../../sql/perf/record.sql");
const PRUNE: &str = include_str!("../../sql/perf/prune.sql");
const BASELINES: &str = include_str!("../../sql/perf/baselines.sql");

/// At most this many statements per run's snapshot (the costliest by total time).
pub const SNAPSHOT_MAX_STATEMENTS: usize = 500;

// ---------------------------------------------------------------- pg_stat_statements

/// pg_stat_statements in this database.
struct Pgss {
    /// its schema, quoted
    schema: String,
    has_info: bool,
    preloaded: bool,
}

fn locate() -> Option<Pgss> {
    Spi::connect(|c| {
        let t = c.select(LOCATE, None, &[])?;
        if t.is_empty() {
            return Ok(None);
        }
        let row = t.first();
        Ok(Some(Pgss {
            schema: ddl::ident(&row.get::<String>(1)?.unwrap_or_default()),
            has_info: row.get::<bool>(3)?.unwrap_or(false),
            preloaded: row.get::<bool>(4)?.unwrap_or(false),
        }))
    })
    .unwrap_or_else(|e| spi_err("locating pg_stat_statements", e))
}

fn preloaded_without_extension() -> bool {
    Spi::connect(|c| {
        c.select("SELECT pg_catalog.current_setting('pg_stat_statements.max', true) IS NOT NULL", None, &[])?
            .first()
            .get_one::<bool>()
    })
    .ok()
    .flatten()
    .unwrap_or(false)
}

/// One pg_stat_statements entry (role, query id) of this database.
struct Entry {
    userid: i64,
    /// NULL: another role's entry the caller may not see
    queryid: Option<i64>,
    calls: i64,
    total_ms: f64,
    rows: i64,
    query: String,
}

fn entries(p: &Pgss) -> Vec<Entry> {
    let sql = STATEMENTS.replace("@pgss@", &p.schema);
    let db = unsafe { pg_sys::MyDatabaseId };
    Spi::connect(|c| {
        let mut out = Vec::new();
        for row in c.select(&sql, None, &[db.into()])? {
            out.push(Entry {
                userid: row.get::<i64>(1)?.unwrap_or(0),
                queryid: row.get::<i64>(2)?,
                calls: row.get::<i64>(3)?.unwrap_or(0),
                total_ms: row.get::<f64>(4)?.unwrap_or(0.0),
                rows: row.get::<i64>(5)?.unwrap_or(0),
                query: row.get::<String>(6)?.unwrap_or_default(),
            });
        }
        Ok::<_, pgrx::spi::SpiError>(out)
    })
    .unwrap_or_else(|e| spi_err("reading pg_stat_statements", e))
}

fn stats_reset(p: &Pgss) -> Option<f64> {
    if !p.has_info {
        return None;
    }
    let sql = STATS_RESET.replace("@pgss@", &p.schema);
    Spi::connect(|c| c.select(&sql, None, &[])?.first().get_one::<f64>()).ok().flatten()
}

// ---------------------------------------------------------------- subtransactions

/// Run `f` in an internal subtransaction: kept when `keep` and `f` succeeds, rolled back
/// otherwise; an error inside becomes `Err` with its SQLSTATE and message.
fn subxact<T>(keep: bool, f: impl FnOnce() -> T) -> Result<T, (PgSqlErrorCode, String)> {
    unsafe {
        let ctx = pg_sys::CurrentMemoryContext;
        let owner = pg_sys::CurrentResourceOwner;
        pg_sys::BeginInternalSubTransaction(std::ptr::null());
        pg_sys::MemoryContextSwitchTo(ctx);
        let r = PgTryBuilder::new(std::panic::AssertUnwindSafe(|| Ok(f())))
            .catch_others(|e| {
                let r = match &e {
                    pg_sys::panic::CaughtError::PostgresError(r) | pg_sys::panic::CaughtError::ErrorReport(r) => r,
                    pg_sys::panic::CaughtError::RustPanic { ereport, .. } => ereport,
                };
                Err((r.sql_error_code(), r.message().to_string()))
            })
            .execute();
        pg_sys::MemoryContextSwitchTo(ctx);
        if keep && r.is_ok() {
            pg_sys::ReleaseCurrentSubTransaction();
        } else {
            pg_sys::RollbackAndReleaseCurrentSubTransaction();
        }
        pg_sys::MemoryContextSwitchTo(ctx);
        pg_sys::CurrentResourceOwner = owner;
        r
    }
}

// ---------------------------------------------------------------- which statements reach what

/// What each query reaches (in the order given), parsing only the texts the resolver's filter
/// lets through, each in its own memory context reset after it and a subtransaction: a text
/// the parser refuses reaches nothing. Also returns how many were refused.
pub(crate) fn reached(resolver: &Resolver, queries: &[&str]) -> (Vec<Vec<Oid>>, usize) {
    let mut out = Vec::with_capacity(queries.len());
    let mut refused = 0;
    if resolver.is_empty() {
        return (vec![Vec::new(); queries.len()], 0);
    }
    let mcx = unsafe {
        pg_sys::AllocSetContextCreateExtended(
            pg_sys::CurrentMemoryContext,
            c"rls_fixer statement parse".as_ptr(),
            pg_sys::ALLOCSET_DEFAULT_MINSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_INITSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_MAXSIZE as usize,
        )
    };
    for q in queries {
        if !resolver.may_touch(q) {
            out.push(Vec::new());
            continue;
        }
        let refs = subxact(false, || unsafe {
            let prev = pg_sys::MemoryContextSwitchTo(mcx);
            let refs = parse::relation_refs(q);
            pg_sys::MemoryContextSwitchTo(prev);
            refs
        });
        unsafe { pg_sys::MemoryContextReset(mcx) };
        match refs {
            Ok(refs) => out.push(resolver.resolve(&refs)),
            Err((code, _)) if code == PgSqlErrorCode::ERRCODE_QUERY_CANCELED => {
                raise(code, "canceling statement due to user request".into(), None)
            }
            Err(_) => {
                refused += 1;
                out.push(Vec::new());
            }
        }
    }
    unsafe { pg_sys::MemoryContextDelete(mcx) };
    (out, refused)
}

// ---------------------------------------------------------------- the snapshot of a fix run

/// Record the snapshot of an applied run that is about to change these relations. Never
/// fails the run: see the module's documentation.
pub fn record_snapshot(run_id: i64, actions: &[Action]) {
    let mut changed: Vec<Oid> =
        actions.iter().filter(|a| !matches!(a.kind, ActionKind::NoBypassRls)).map(|a| a.oid).collect();
    changed.sort_unstable();
    changed.dedup();
    // a relation created in this transaction (the new-table event trigger's, a migration's)
    // has no statements yet: reading pg_stat_statements would cost a CREATE TABLE ~20-30 ms
    changed.retain(|o| !created_in_this_transaction(*o));
    if changed.is_empty() {
        return;
    }
    let r = pinned(|| subxact(true, || as_extension_owner(|| snapshot_statements(run_id, &changed))));
    match r {
        Ok(0) => {}
        Ok(n) => pgrx::log!("rls_fixer: run {run_id}: pg_stat_statements snapshot of {n} statements recorded"),
        Err((code, msg)) if code == PgSqlErrorCode::ERRCODE_QUERY_CANCELED => raise(code, msg, None),
        Err((_, msg)) => pgrx::warning!(
            "rls_fixer: run {run_id}: no pg_stat_statements snapshot was recorded ({msg}); the fix is not affected"
        ),
    }
}

/// Was the relation created (or given a new relfilenode) by this transaction? From the relcache:
/// no lock, no catalog query.
fn created_in_this_transaction(oid: Oid) -> bool {
    let Ok(oid) = u32::try_from(oid) else { return false };
    unsafe {
        let rel = pg_sys::RelationIdGetRelation(pg_sys::Oid::from(oid));
        if rel.is_null() {
            return false;
        }
        let created = (*rel).rd_createSubid != 0;
        pg_sys::RelationClose(rel);
        created
    }
}

fn snapshot_statements(run_id: i64, changed: &[Oid]) -> usize {
    let Some(pgss) = locate().filter(|p| p.preloaded) else { return 0 };
    let named: Vec<Named> = Spi::connect(|c| {
        let mut out = Vec::new();
        for row in c.select(REACHING, None, &[changed.to_vec().into()])? {
            out.push(Named {
                oid: row.get::<i64>(1)?.unwrap_or(0),
                schema: row.get::<String>(2)?.unwrap_or_default(),
                name: row.get::<String>(3)?.unwrap_or_default(),
                targets: row.get::<Vec<i64>>(4)?.unwrap_or_default(),
            });
        }
        Ok::<_, pgrx::spi::SpiError>(out)
    })
    .unwrap_or_else(|e| spi_err("reading the changed relations' names", e));
    let resolver = Resolver::new(named);
    // superusers' statements never go through RLS (roles losing BYPASSRLS in this run do)
    let superusers: Vec<i64> = Spi::connect(|c| {
        c.select("SELECT pg_catalog.array_agg(oid::int8) FROM pg_catalog.pg_roles WHERE rolsuper", None, &[])?
            .first()
            .get_one::<Vec<i64>>()
    })
    .unwrap_or_else(|e| spi_err("reading the superusers", e))
    .unwrap_or_default();
    let all: Vec<Entry> =
        entries(&pgss).into_iter().filter(|e| e.queryid.is_some() && !superusers.contains(&e.userid)).collect();
    let texts: Vec<&str> = all.iter().map(|e| e.query.as_str()).collect();
    let (reach, _) = reached(&resolver, &texts);
    let mut keep: Vec<&Entry> = all.iter().zip(reach).filter(|(_, r)| !r.is_empty()).map(|(e, _)| e).collect();
    keep.sort_by(|a, b| b.total_ms.total_cmp(&a.total_ms));
    keep.truncate(SNAPSHOT_MAX_STATEMENTS);
    if keep.is_empty() {
        return 0;
    }
    let users: Vec<i64> = keep.iter().map(|e| e.userid).collect();
    let ids: Vec<i64> = keep.iter().map(|e| e.queryid.unwrap_or(0)).collect();
    let calls: Vec<i64> = keep.iter().map(|e| e.calls).collect();
    let totals: Vec<f64> = keep.iter().map(|e| e.total_ms).collect();
    let rows: Vec<i64> = keep.iter().map(|e| e.rows).collect();
    Spi::connect_mut(|c| {
        c.update(RECORD, None, &[run_id.into(), users.into(), ids.into(), calls.into(), totals.into(), rows.into()])?;
        c.update(PRUNE, None, &[]).map(|_| ())
    })
    .unwrap_or_else(|e| spi_err("recording the pg_stat_statements snapshot", e));
    keep.len()
}

// ---------------------------------------------------------------- the report

/// One statement of the report.
#[derive(Debug, Clone)]
pub struct PerfRow {
    pub queryid: i64,
    pub query: String,
    pub calls: i64,
    pub total_ms: f64,
    pub cmp: Comparison,
    pub tables: Vec<String>,
    pub causes: Vec<&'static str>,
    pub detail: Option<String>,
    pub fix_sql: Option<String>,
}

/// Why there is nothing to compare with.
enum Unavailable {
    /// neither in shared_preload_libraries nor installed in this database
    Missing,
    /// loaded, not installed here
    NoExtension,
    /// installed here, not loaded
    NoLibrary,
}

impl Unavailable {
    fn message(&self) -> String {
        let db = Spi::connect(|c| {
            c.select("SELECT pg_catalog.current_database()::text", None, &[])?.first().get_one::<String>()
        })
        .ok()
        .flatten()
        .unwrap_or_default();
        match self {
            Unavailable::Missing => format!(
                "rls_perf_report: pg_stat_statements is not available: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, restart the server, and run CREATE EXTENSION pg_stat_statements in database {}; no statements to report",
                ddl::ident(&db)
            ),
            Unavailable::NoExtension => format!(
                "rls_perf_report: pg_stat_statements is loaded (shared_preload_libraries) but not installed in database {}: run CREATE EXTENSION pg_stat_statements there; no statements to report",
                ddl::ident(&db)
            ),
            Unavailable::NoLibrary => "rls_perf_report: the pg_stat_statements extension is installed but its library is not loaded: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart the server; no statements to report".to_string(),
        }
    }
}

/// The statements on tenant tables the caller can see in pg_stat_statements, each against its
/// fix run's snapshot (`since_run`, or the latest that recorded it), ordered by the change
/// (largest first), then total time. Err: pg_stat_statements is not available. Also returns
/// how many entries of other roles the caller cannot see.
fn analyse(ctx: &Ctx, since_run: Option<i64>) -> Result<(Vec<PerfRow>, usize), Unavailable> {
    let Some(pgss) = locate() else {
        return Err(if preloaded_without_extension() { Unavailable::NoExtension } else { Unavailable::Missing });
    };
    if !pgss.preloaded {
        return Err(Unavailable::NoLibrary);
    }
    // as the caller: pg_stat_statements decides which query ids and texts they may see
    let all = match subxact(false, || entries(&pgss)) {
        Ok(v) => v,
        Err((PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, _)) => return Err(Unavailable::NoLibrary),
        Err((code, msg)) => raise(code, msg, None),
    };
    let hidden = all.iter().filter(|e| e.queryid.is_none()).count();
    // RLS costs nothing to roles that bypass it
    let bypasses = |u: i64| ctx.ix.role.get(&u).is_some_and(|r| r.superuser || r.bypassrls);

    // one row per query id, over the roles whose entries the caller sees
    let mut by_id: FxHashMap<i64, Current> = FxHashMap::default();
    for e in &all {
        let Some(q) = e.queryid else { continue };
        if bypasses(e.userid) {
            continue;
        }
        let c = by_id.entry(q).or_insert_with(|| Current {
            queryid: q,
            query: e.query.clone(),
            calls: 0,
            total_ms: 0.0,
            userids: Vec::new(),
        });
        c.calls += e.calls;
        c.total_ms += e.total_ms;
        c.userids.push(e.userid);
    }
    let mut current: Vec<Current> = by_id.into_values().collect();
    current.sort_by_key(|c| c.queryid);

    let resolver = Resolver::new(named_in(ctx));
    let texts: Vec<&str> = current.iter().map(|c| c.query.as_str()).collect();
    let (reach, _) = reached(&resolver, &texts);
    let touching: Vec<(Current, Vec<Oid>)> = current.into_iter().zip(reach).filter(|(_, r)| !r.is_empty()).collect();
    if touching.is_empty() {
        return Ok((Vec::new(), hidden));
    }

    let mut tables: Vec<Oid> = touching.iter().flat_map(|(_, r)| r.iter().copied()).collect();
    tables.sort_unstable();
    tables.dedup();
    let stats = table_stats(&tables);
    let ids: Vec<i64> = touching.iter().map(|(c, _)| c.queryid).collect();
    let snap_rows = as_extension_owner(|| baselines(&ids, since_run));
    let reset = stats_reset(&pgss);
    let causes = Causes::new(ctx);
    let mut per_table: FxHashMap<Oid, Vec<Cause>> = FxHashMap::default();
    for t in &tables {
        per_table.insert(*t, causes.of_table(*t, stats.get(t)));
    }

    let mut rows: Vec<PerfRow> = touching
        .into_iter()
        .map(|(cur, reach)| {
            let base = report::baseline(&cur, &snap_rows, since_run);
            let cmp = report::compare(&cur, base.as_ref(), reset);
            let mut codes: Vec<&'static str> = Vec::new();
            let mut details: Vec<String> = cmp.note.iter().cloned().collect();
            let mut fixes: Vec<String> = Vec::new();
            for t in &reach {
                for c in per_table.get(t).map(|v| v.as_slice()).unwrap_or(&[]) {
                    if !codes.contains(&c.code) {
                        codes.push(c.code);
                    }
                    details.push(c.detail.clone());
                    if let Some(f) = &c.fix_sql {
                        if !fixes.contains(f) {
                            fixes.push(f.clone());
                        }
                    }
                }
            }
            let names = reach
                .iter()
                .map(|o| ctx.ix.rel.get(o).map(|r| r.qname.clone()).unwrap_or_else(|| o.to_string()))
                .collect();
            PerfRow {
                queryid: cur.queryid,
                query: cur.query.clone(),
                calls: cur.calls,
                total_ms: cur.total_ms,
                cmp,
                tables: names,
                causes: codes,
                detail: (!details.is_empty()).then(|| details.join("; ")),
                fix_sql: (!fixes.is_empty()).then(|| fixes.join("; ")),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let ka = a.cmp.change.unwrap_or(f64::NEG_INFINITY);
        let kb = b.cmp.change.unwrap_or(f64::NEG_INFINITY);
        kb.total_cmp(&ka).then(b.total_ms.total_cmp(&a.total_ms)).then(a.queryid.cmp(&b.queryid))
    });
    Ok((rows, hidden))
}

/// The names a statement can reach tenant tables by: the tenant tables (partitions too) and
/// the views over them.
fn named_in(ctx: &Ctx) -> Vec<Named> {
    let mut out = Vec::new();
    for r in &ctx.ix.snap.relations {
        let targets = if r.is_tenant_table() {
            vec![r.oid]
        } else if r.kind == RelKind::View {
            ctx.tenant_tables_read(r).iter().map(|t| t.oid).collect()
        } else {
            continue;
        };
        out.push(Named { oid: r.oid, schema: r.schema.clone(), name: r.name.clone(), targets });
    }
    out
}

fn table_stats(tables: &[Oid]) -> FxHashMap<Oid, TableStats> {
    Spi::connect(|c| {
        let mut out = FxHashMap::default();
        for row in c.select(TABLE_STATS, None, &[tables.to_vec().into()])? {
            let Some(oid) = row.get::<i64>(1)? else { continue };
            out.insert(
                oid,
                TableStats {
                    seq_scan: row.get::<i64>(2)?.unwrap_or(0),
                    seq_tup_read: row.get::<i64>(3)?.unwrap_or(0),
                    idx_scan: row.get::<i64>(4)?.unwrap_or(0),
                    n_live_tup: row.get::<i64>(5)?.unwrap_or(0),
                },
            );
        }
        Ok::<_, pgrx::spi::SpiError>(out)
    })
    .unwrap_or_else(|e| spi_err("reading pg_stat_user_tables", e))
}

fn baselines(ids: &[i64], run: Option<i64>) -> Vec<SnapRow> {
    Spi::connect(|c| {
        let mut out = Vec::new();
        for row in c.select(BASELINES, None, &[ids.to_vec().into(), run.into()])? {
            out.push(SnapRow {
                run_id: row.get::<i64>(1)?.unwrap_or(0),
                userid: row.get::<i64>(2)?.unwrap_or(0),
                queryid: row.get::<i64>(3)?.unwrap_or(0),
                calls: row.get::<i64>(4)?.unwrap_or(0),
                total_ms: row.get::<f64>(5)?.unwrap_or(0.0),
                taken_at: row.get::<f64>(6)?.unwrap_or(0.0),
            });
        }
        Ok::<_, pgrx::spi::SpiError>(out)
    })
    .unwrap_or_else(|e| spi_err("reading the performance snapshots", e))
}

/// `since_run` must be an applied run.
fn check_run(run: i64) {
    let applied = as_extension_owner(|| {
        Spi::connect(|c| {
            c.select(
                "SELECT pg_catalog.bool_or(NOT dry_run) FROM rls_fixer.fix_run WHERE run_id = $1",
                None,
                &[run.into()],
            )?
            .first()
            .get_one::<bool>()
        })
    })
    .unwrap_or_else(|e| spi_err("reading the run log", e));
    if applied != Some(true) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("rls_perf_report: run {run} is not an applied rls_fix run"),
            Some(
                "SELECT run_id, started_at FROM rls_fixer.fix_run WHERE NOT dry_run ORDER BY run_id DESC lists them."
                    .into(),
            ),
        );
    }
}

type ReportRow = (
    i64,
    String,
    i64,
    f64,
    Option<i64>,
    Option<i64>,
    Option<f64>,
    Option<i64>,
    Option<f64>,
    Option<f64>,
    Vec<String>,
    Vec<String>,
    Option<String>,
    Option<String>,
);

/// Every statement on a tenant table in pg_stat_statements (that the caller may see there),
/// its mean time now and at its fix run's snapshot, the change, and the likely causes.
#[pg_extern(volatile, parallel_unsafe)]
// search_path and jit pinned in code (privilege::pinned): see rls_audit
// (the row type is spelled out: pgrx reads the column names from it)
#[allow(clippy::type_complexity)]
pub fn rls_perf_report(
    since_run: default!(Option<i64>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(queryid, i64),
        name!(query, String),
        name!(calls, i64),
        name!(mean_ms, f64),
        name!(run_id, Option<i64>),
        name!(calls_at_fix, Option<i64>),
        name!(mean_ms_at_fix, Option<f64>),
        name!(calls_since_fix, Option<i64>),
        name!(mean_ms_since_fix, Option<f64>),
        name!(change, Option<f64>),
        name!(tables, Vec<String>),
        name!(causes, Vec<String>),
        name!(detail, Option<String>),
        name!(fix_sql, Option<String>),
    ),
> {
    let rows: Vec<ReportRow> = pinned(|| {
        if let Some(r) = since_run {
            check_run(r);
        }
        let (rows, hidden) = match with_ctx(|_, _, ctx| analyse(ctx, since_run)) {
            Ok(x) => x,
            Err(why) => {
                pgrx::notice!("{}", why.message());
                return Vec::new();
            }
        };
        if hidden > 0 {
            pgrx::notice!(
                "rls_perf_report: {hidden} pg_stat_statements entries of other roles are left out: pg_stat_statements shows their query text only to superusers and members of pg_read_all_stats"
            );
        }
        rows.into_iter()
            .map(|r| {
                (
                    r.queryid,
                    r.query,
                    r.calls,
                    r.cmp.mean_ms,
                    r.cmp.run_id,
                    r.cmp.calls_at_fix,
                    r.cmp.mean_ms_at_fix,
                    r.cmp.calls_since_fix,
                    r.cmp.mean_ms_since_fix,
                    r.cmp.change,
                    r.tables,
                    r.causes.iter().map(|c| c.to_string()).collect(),
                    r.detail,
                    r.fix_sql,
                )
            })
            .collect()
    });
    TableIterator::new(rows)
}

/// rls_check's record of the top regressions (no query texts): `null` when pg_stat_statements
/// is not available.
pub fn regressions_json(cfg: &Config, snap: &Snapshot) -> serde_json::Value {
    let Ok(ctx) = Ctx::new(snap, cfg) else { return serde_json::Value::Null };
    // the weekly check never fails because of this: an error is recorded instead
    let rows = match subxact(false, || analyse(&ctx, None)) {
        Ok(Ok((rows, _))) => rows,
        Ok(Err(_)) => return serde_json::Value::Null,
        Err((PgSqlErrorCode::ERRCODE_QUERY_CANCELED, msg)) => raise(PgSqlErrorCode::ERRCODE_QUERY_CANCELED, msg, None),
        Err((_, msg)) => return json!({ "error": msg }),
    };
    let mut reg: Vec<&PerfRow> = rows.iter().filter(|r| report::is_regression(&r.cmp)).collect();
    reg.sort_by(|a, b| report::extra_ms(&b.cmp).total_cmp(&report::extra_ms(&a.cmp)));
    let n = reg.len();
    reg.truncate(report::REGRESSIONS_KEPT);
    json!({
        "regressions": n,
        "top": reg.iter().map(|r| json!({
            "queryid": r.queryid,
            "tables": r.tables,
            "run_id": r.cmp.run_id,
            "mean_ms_at_fix": r.cmp.mean_ms_at_fix,
            "mean_ms_since_fix": r.cmp.mean_ms_since_fix,
            "calls_since_fix": r.cmp.calls_since_fix,
            "change": r.cmp.change,
            "extra_ms": report::extra_ms(&r.cmp),
            "causes": r.causes,
        })).collect::<Vec<_>>(),
    })
}
