//! `rls_verify()`: prove isolation by running queries as the application role. Every probe
//! runs in an internal subtransaction that is always rolled back, so no row change survives
//! (sequence advances are the one side effect), even when a probe errors.
//!
//! No table owner's code runs as a superuser here: probes run as the app role, seeding as the
//! table owner (or the app role when a superuser owns the table), each inside a
//! security-restricted operation (`privilege::as_role_restricted`), so the tables' triggers,
//! DEFAULTs and index expressions run with those roles' rights and cannot `SET ROLE`/`RESET
//! ROLE` back to the superuser. The superuser only reads tenant values from plain tables
//! through the column type's output function (see `probe_all`).

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::checks::Ctx;
use crate::error::raise;
use crate::prepare::with_ctx;
use crate::privilege::{as_role_restricted, is_superuser, role_is_superuser};
use crate::snapshot::{CitusKind, CitusTable, RelKind, Relation, TenantColumn};

/// Run `f` in a subtransaction that is rolled back whatever happens; an error inside becomes
/// `Err(message)` and its SQLSTATE.
fn rolled_back<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Result<T, (PgSqlErrorCode, String)> {
    unsafe {
        let ctx = pg_sys::CurrentMemoryContext;
        let owner = pg_sys::CurrentResourceOwner;
        pg_sys::BeginInternalSubTransaction(std::ptr::null());
        pg_sys::MemoryContextSwitchTo(ctx);
        let r = PgTryBuilder::new(|| Ok(f()))
            .catch_others(|e| {
                let (code, msg) = match &e {
                    pg_sys::panic::CaughtError::PostgresError(r) | pg_sys::panic::CaughtError::ErrorReport(r) => {
                        (r.sql_error_code(), r.message().to_string())
                    }
                    pg_sys::panic::CaughtError::RustPanic { ereport, .. } => {
                        (ereport.sql_error_code(), ereport.message().to_string())
                    }
                };
                Err((code, msg))
            })
            .execute();
        pg_sys::MemoryContextSwitchTo(ctx);
        pg_sys::RollbackAndReleaseCurrentSubTransaction();
        pg_sys::MemoryContextSwitchTo(ctx);
        pg_sys::CurrentResourceOwner = owner;
        r
    }
}

fn one_i64(sql: &str, args: Vec<pgrx::datum::DatumWithOid<'_>>) -> i64 {
    Spi::connect_mut(|c| c.update(sql, None, &args).and_then(|t| t.first().get_one::<i64>()))
        .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_verify: {e}"), None))
        .unwrap_or(0)
}

fn exec(sql: &str, args: Vec<pgrx::datum::DatumWithOid<'_>>) -> u64 {
    Spi::connect_mut(|c| c.update(sql, None, &args).map(|t| t.len() as u64))
        .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_verify: {e}"), None))
}

fn processed(sql: &str, args: Vec<pgrx::datum::DatumWithOid<'_>>) -> u64 {
    Spi::connect_mut(|c| c.update(sql, None, &args).map(|_| unsafe { pg_sys::SPI_processed }))
        .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_verify: {e}"), None))
}

/// Set the probe's tenant for the rest of its subtransaction: the configured setting and, in
/// protected mode, the protected tenant (what set_tenant_context(value, true) does).
fn set_local(name: &str, value: &str) {
    let v = std::ffi::CString::new(value).unwrap_or_default();
    if crate::tenant::citus::active() {
        // a SET LOCAL Citus propagates to the workers (what set_tenant_context(value, true) runs)
        let n = std::ffi::CString::new(name).unwrap_or_default();
        crate::tenant::citus::set_local_propagated(&n, &v);
        crate::tenant::protected::set(&v, true);
        return;
    }
    exec("SELECT pg_catalog.set_config($1, $2, true)", vec![name.into(), value.into()]);
    crate::tenant::protected::set(&v, true);
}

/// Probe values for a tenant column type when the data offers none.
fn default_tenants(t: &TenantColumn) -> (String, String) {
    match t.type_name.as_str() {
        "uuid" => ("00000000-0000-4000-8000-00000000000a".into(), "00000000-0000-4000-8000-00000000000b".into()),
        "integer" | "bigint" | "smallint" | "numeric" => ("-7001".into(), "-7002".into()),
        _ => ("rls_verify_a".into(), "rls_verify_b".into()),
    }
}

struct Probe {
    object: String,
    probe: &'static str,
    passed: Option<bool>,
    detail: String,
}

/// The roles a probe runs as: the app role, and who seeds (the table owner unless a superuser
/// owns it, then the app role).
struct As<'a> {
    app: pg_sys::Oid,
    app_name: &'a str,
}

impl As<'_> {
    fn seeder(&self, r: &Relation) -> pg_sys::Oid {
        let owner = pg_sys::Oid::from(r.owner as u32);
        if role_is_superuser(owner) {
            self.app
        } else {
            owner
        }
    }
}

fn probe_table(
    r: &Relation,
    citus: Option<&CitusTable>,
    who: &As<'_>,
    setting: &str,
    a: &str,
    b: &str,
    out: &mut Vec<Probe>,
) {
    let role = who.app_name;
    let seeder = who.seeder(r);
    let t = r.tenant.as_ref().expect("tenant table");
    let (q, col, ty) = (&r.qname, &t.qname, &t.type_name);
    let val = |p: usize| format!("(${p}::text)::{ty}");
    let push =
        |out: &mut Vec<Probe>, probe: &'static str, res: Result<(Option<bool>, String), (PgSqlErrorCode, String)>| {
            let (passed, detail) = match res {
                Ok(x) => x,
                Err((_, msg)) => (None, format!("probe could not run: {msg}")),
            };
            out.push(Probe { object: q.clone(), probe, passed, detail });
        };
    // Inside the probe's subtransaction, as the seeder with each tenant set: make sure both
    // tenants have a row.
    let seed = || {
        for v in [a, b] {
            set_local(setting, v);
            as_role_restricted(seeder, || {
                let n = one_i64(
                    &format!("SELECT count(*) FROM (SELECT 1 FROM {q} WHERE {col} = {} LIMIT 1) s", val(1)),
                    vec![v.into()],
                );
                if n == 0 {
                    exec(&format!("INSERT INTO {q} ({col}) VALUES ({})", val(1)), vec![v.into()]);
                }
            });
        }
    };
    // what the app role does, with `tenant` set (cleared for None)
    let as_app = |tenant: Option<&str>, f: &dyn Fn() -> (Option<bool>, String)| {
        set_local(setting, tenant.unwrap_or(""));
        as_role_restricted(who.app, f)
    };

    push(
        out,
        "read_own_only",
        rolled_back(|| {
            seed();
            set_local(setting, a);
            let own_total = as_role_restricted(seeder, || {
                one_i64(&format!("SELECT count(*) FROM {q} WHERE {col} = {}", val(1)), vec![a.into()])
            });
            as_app(Some(a), &|| {
                let seen = one_i64(&format!("SELECT count(*) FROM {q}"), vec![]);
                let foreign = one_i64(
                    &format!("SELECT count(*) FROM {q} WHERE {col} IS DISTINCT FROM {}", val(1)),
                    vec![a.into()],
                );
                if foreign > 0 {
                    (Some(false), format!("as {role} with tenant {a}: {foreign} row(s) of other tenants visible"))
                } else {
                    (
                        Some(true),
                        format!("as {role} with tenant {a}: {seen} row(s) visible, all its own ({own_total} exist)"),
                    )
                }
            })
        })
        .or_else(|(code, msg)| {
            if code == PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE {
                Ok((Some(true), format!("{role} cannot read it: {msg}")))
            } else {
                Err((code, msg))
            }
        }),
    );

    push(
        out,
        "read_without_tenant",
        rolled_back(|| {
            seed();
            as_app(None, &|| {
                let seen = one_i64(&format!("SELECT count(*) FROM {q}"), vec![]);
                if seen > 0 {
                    (Some(false), format!("as {role} without a tenant: {seen} row(s) visible"))
                } else {
                    (Some(true), format!("as {role} without a tenant: no rows, no error"))
                }
            })
        })
        .or_else(|(code, msg)| {
            if code == PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE {
                Ok((Some(true), format!("{role} cannot read it: {msg}")))
            } else {
                Ok((Some(false), format!("as {role} without a tenant the query fails: {msg}")))
            }
        }),
    );

    // a table distributed by the tenant column: Citus itself refuses to change that column
    let by_tenant = citus.is_some_and(|c| c.kind == CitusKind::Distributed && c.column.as_deref() == Some(&t.name));
    let write_denied =
        |what: &str, code: PgSqlErrorCode, msg: String| -> Result<(Option<bool>, String), (PgSqlErrorCode, String)> {
            if code == PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE
                || code == PgSqlErrorCode::ERRCODE_WITH_CHECK_OPTION_VIOLATION
                || (by_tenant && code == PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED)
            {
                Ok((Some(true), format!("{what} refused: {msg}")))
            } else {
                Err((code, msg))
            }
        };

    // The other columns of a copied row of tenant A keep NOT NULL columns and partition keys
    // satisfied; columns with defaults (serials, identities) and generated ones are left out.
    let copy_cols: Vec<(String, String)> = Spi::connect(|c| {
        c.select(
            "SELECT quote_ident(attname), format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute
              WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped
                AND attgenerated = '' AND attidentity = '' AND NOT atthasdef AND attname <> $2
              ORDER BY attnum",
            None,
            &[r.oid.into(), t.name.as_str().into()],
        )
        .map(|rows| {
            rows.filter_map(|row| Some((row.get::<String>(1).ok().flatten()?, row.get::<String>(2).ok().flatten()?)))
                .collect()
        })
    })
    .unwrap_or_default();
    push(
        out,
        "insert_other_tenant",
        rolled_back(|| {
            seed();
            as_app(Some(a), &|| {
                let cols: String = copy_cols.iter().map(|(c, _)| format!(", {c}")).collect();
                let n = if citus.is_some() {
                    // Citus runs INSERT … SELECT as COPY into the shards, which row-level security
                    // refuses whatever the rows: read the row, then INSERT … VALUES (bound as text)
                    insert_copy_values(q, col, ty, &copy_cols, a, b)
                } else {
                    processed(
                        &format!(
                            "INSERT INTO {q} ({col}{cols}) SELECT {}{cols} FROM {q} WHERE {col} = {} LIMIT 1",
                            val(1),
                            val(2)
                        ),
                        vec![b.into(), a.into()],
                    )
                };
                if n == 0 {
                    // no row of its own is visible to copy: a bare row for tenant B
                    exec(&format!("INSERT INTO {q} ({col}) VALUES ({})", val(1)), vec![b.into()]);
                }
                (Some(false), format!("as {role} with tenant {a}: inserted a row for tenant {b}"))
            })
        })
        .or_else(|(code, msg)| write_denied("insert for another tenant", code, msg)),
    );

    push(
        out,
        "update_to_other_tenant",
        rolled_back(|| {
            seed();
            as_app(Some(a), &|| {
                let n = processed(
                    &format!("UPDATE {q} SET {col} = {} WHERE {col} = {}", val(1), val(2)),
                    vec![b.into(), a.into()],
                );
                if n > 0 {
                    (Some(false), format!("as {role} with tenant {a}: moved {n} row(s) to tenant {b}"))
                } else {
                    (Some(true), format!("as {role} with tenant {a}: no row could be moved to tenant {b}"))
                }
            })
        })
        .or_else(|(code, msg)| write_denied("update to another tenant", code, msg)),
    );

    push(
        out,
        "delete_other_tenant",
        rolled_back(|| {
            seed();
            as_app(Some(a), &|| {
                let n = processed(&format!("DELETE FROM {q} WHERE {col} = {}", val(1)), vec![b.into()]);
                if n > 0 {
                    (Some(false), format!("as {role} with tenant {a}: deleted {n} row(s) of tenant {b}"))
                } else {
                    (Some(true), format!("as {role} with tenant {a}: no row of tenant {b} could be deleted"))
                }
            })
        })
        .or_else(|(code, msg)| write_denied("delete of another tenant's rows", code, msg)),
    );

    if by_tenant {
        push(
            out,
            "citus_router_own_rows",
            rolled_back(|| {
                seed();
                let (shard, node) = shard_of(q, a);
                as_app(Some(a), &|| {
                    let all = one_i64(&format!("SELECT count(*) FROM {q}"), vec![]);
                    let routed = one_i64(&format!("SELECT count(*) FROM {q} WHERE {col} = {}", val(1)), vec![a.into()]);
                    let tasks = task_count(&format!("SELECT count(*) FROM {q} WHERE {col} = {}", val(1)), a);
                    let plan = tasks.map(|n| format!("; the query runs as {n} task(s)")).unwrap_or_default();
                    if routed > 0 && routed == all {
                        (
                            Some(true),
                            format!("as {role} with tenant {a}: the worker holding shard {shard} ({node}) sees the tenant: {routed} row(s) by a query on the tenant column, as without it{plan}"),
                        )
                    } else {
                        (
                            Some(false),
                            format!("as {role} with tenant {a}: {routed} row(s) on shard {shard} ({node}) by a query on the tenant column, {all} without it: the tenant context does not reach that worker{plan}"),
                        )
                    }
                })
            }),
        );
    }
}

/// Citus: insert a copy of one of tenant `a`'s rows (as far as visible) for tenant `b` with
/// `INSERT … VALUES`, every value bound as text and cast to its column's type. Returns the
/// number of rows inserted (0 when no row of `a` is visible).
fn insert_copy_values(q: &str, col: &str, ty: &str, cols: &[(String, String)], a: &str, b: &str) -> u64 {
    let read: String = cols.iter().map(|(c, _)| format!(", {c}::text")).collect();
    let row: Option<Vec<Option<String>>> = Spi::connect(|c| {
        let t =
            c.select(&format!("SELECT 1{read} FROM {q} WHERE {col} = ($1::text)::{ty} LIMIT 1"), None, &[a.into()])?;
        if t.is_empty() {
            return Ok(None);
        }
        let first = t.first();
        (0..cols.len()).map(|i| first.get::<String>(i + 2)).collect::<Result<Vec<_>, _>>().map(Some)
    })
    .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_verify: {e}"), None));
    let Some(values) = row else { return 0 };
    let names: String = cols.iter().map(|(c, _)| format!(", {c}")).collect();
    let params: String = cols.iter().enumerate().map(|(i, (_, t))| format!(", (${}::text)::{t}", i + 2)).collect();
    let mut args: Vec<pgrx::datum::DatumWithOid<'_>> = vec![b.into()];
    args.extend(values.into_iter().map(|v| v.into()));
    processed(&format!("INSERT INTO {q} ({col}{names}) VALUES (($1::text)::{ty}{params})"), args)
}

/// Citus: the shard holding tenant `a`'s rows of a table distributed by the tenant column, and
/// the node it is on (`host:port`).
fn shard_of(q: &str, a: &str) -> (String, String) {
    Spi::connect(|c| {
        let t = c.select(
            "SELECT s::text, (SELECT string_agg(nodename || ':' || nodeport, ', ' ORDER BY nodename, nodeport)
                                FROM pg_catalog.pg_dist_shard_placement WHERE shardid = s)
               FROM pg_catalog.get_shard_id_for_distribution_column($1::regclass, $2) s",
            None,
            &[q.into(), a.into()],
        )?;
        let first = t.first();
        Ok::<_, pgrx::spi::SpiError>((
            first.get::<String>(1)?.unwrap_or_default(),
            first.get::<String>(2)?.unwrap_or_default(),
        ))
    })
    .unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_verify: {e}"), None))
}

/// Citus: the `Task Count` of a query's distributed plan (EXPLAIN, not executed), `$1` bound to `a`.
fn task_count(query: &str, a: &str) -> Option<i64> {
    Spi::connect(|c| {
        let t = c.select(&format!("EXPLAIN (COSTS OFF) {query}"), None, &[a.into()])?;
        let mut n = None;
        for row in t {
            let line: String = row.get(1)?.unwrap_or_default();
            if let Some(rest) = line.trim().strip_prefix("Task Count: ") {
                n = rest.trim().parse().ok();
            }
        }
        Ok::<_, pgrx::spi::SpiError>(n)
    })
    .ok()
    .flatten()
}

fn probe_view(v: &Relation, col: &str, who: &As<'_>, setting: &str, a: &str, out: &mut Vec<Probe>) {
    let q = &v.qname;
    let role = who.app_name;
    let res: Result<(Option<bool>, String), (PgSqlErrorCode, String)> = rolled_back(|| {
        set_local(setting, a);
        as_role_restricted(who.app, || {
            let foreign =
                one_i64(&format!("SELECT count(*) FROM {q} WHERE {col}::text IS DISTINCT FROM $1"), vec![a.into()]);
            if foreign > 0 {
                (
                    Some(false),
                    format!("as {role} with tenant {a}: {foreign} row(s) of other tenants visible through the view"),
                )
            } else {
                (Some(true), format!("as {role} with tenant {a}: only its own rows through the view"))
            }
        })
    })
    .or_else(|(code, msg)| {
        if code == PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE {
            Ok((Some(true), format!("{role} cannot read it: {msg}")))
        } else {
            Ok((None, format!("probe could not run: {msg}")))
        }
    });
    let (passed, detail) = res.unwrap_or((None, String::new()));
    out.push(Probe { object: q.clone(), probe: "read_own_only", passed, detail });
}

/// The two tenants to probe a column of this type with.
fn pick(by_type: &std::collections::HashMap<String, Vec<String>>, tc: &TenantColumn) -> (String, String) {
    let (da, db) = default_tenants(tc);
    let found = by_type.get(&tc.type_name).cloned().unwrap_or_default();
    let a = found.first().cloned().unwrap_or(da.clone());
    let b = found.get(1).cloned().unwrap_or(if a == db { da } else { db });
    (a, b)
}

/// Prove isolation live, as the app role: for every tenant table (partitions included) and
/// every view over one, read and write probes with two tenants, each rolled back.
#[pg_extern(volatile, parallel_unsafe)]
// search_path and jit pinned in code (privilege::pinned): see rls_audit
pub fn rls_verify(
    tenant_a: default!(Option<&str>, "NULL"),
    tenant_b: default!(Option<&str>, "NULL"),
    as_role: default!(Option<&str>, "NULL"),
) -> TableIterator<
    'static,
    (name!(object_name, String), name!(probe, String), name!(passed, Option<bool>), name!(detail, String)),
> {
    if !is_superuser() {
        raise(PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE, "rls_verify must be run by a superuser: it switches to the app role and writes probe rows (always rolled back)".into(), None);
    }
    let out =
        crate::privilege::pinned(|| with_ctx(|cfg, snap, ctx| probe_all(cfg, snap, ctx, tenant_a, tenant_b, as_role)));
    TableIterator::new(out.into_iter().map(|p| (p.object, p.probe.to_string(), p.passed, p.detail)))
}

fn probe_all(
    cfg: &crate::snapshot::Config,
    snap: &crate::snapshot::Snapshot,
    ctx: &Ctx,
    tenant_a: Option<&str>,
    tenant_b: Option<&str>,
    as_role: Option<&str>,
) -> Vec<Probe> {
    let role = match as_role {
        Some(r) => {
            let Some(role) = ctx.ix.role_by_name.get(r) else {
                raise(
                    PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
                    format!("rls_verify: role \"{r}\" does not exist"),
                    None,
                )
            };
            *role
        }
        None => match ctx.app_roles.as_slice() {
            [one] => ctx.ix.role[one],
            [] => raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                "rls_verify: no app role found (no LOGIN role holds privileges on a tenant table)".into(),
                Some("Pass as_role => 'your_app_role', or set rls_fixer.app_roles.".into()),
            ),
            many => raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                format!(
                    "rls_verify: {} app roles found: {}",
                    many.len(),
                    many.iter().map(|o| ctx.ix.role_name(*o)).collect::<Vec<_>>().join(", ")
                ),
                Some("Pass as_role => '...' to choose one.".into()),
            ),
        },
    };
    let app = pg_sys::Oid::from(role.oid as u32);
    if role_is_superuser(app) {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("rls_verify: {} is a superuser: it bypasses row-level security, so probing as it proves nothing (and would run table owners' code as a superuser)", role.qname),
            Some("Give the application an ordinary role (see the role_superuser finding) and probe as that.".into()),
        );
    }
    let who = As { app, app_name: &role.name };
    let mut tables: Vec<&Relation> = snap.relations.iter().filter(|r| r.is_tenant_table()).collect();
    tables.sort_by(|x, y| x.qname.cmp(&y.qname));
    // two tenants: given, or per tenant-column type two distinct values found in the data
    // (probe rows with reserved values when the tables of that type are empty)
    if let (Some(x), Some(y)) = (tenant_a, tenant_b) {
        if x == y {
            raise(
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                "rls_verify: tenant_a and tenant_b must differ".into(),
                None,
            );
        }
    }
    let mut by_type: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for t in &tables {
        let tc = t.tenant.as_ref().unwrap();
        let found = by_type
            .entry(tc.type_name.clone())
            .or_insert_with(|| tenant_a.iter().chain(tenant_b.iter()).map(|s| s.to_string()).collect());
        if found.len() >= 2 {
            continue;
        }
        // Tenant values from the data, read as the superuser without running anyone's code:
        // only plain heap tables (no foreign or partitioned parents, no virtual generated
        // column), no operator or cast of the column's type, just its output function (C code
        // only a superuser can install); duplicates removed here.
        if t.kind != RelKind::Table || tc.virtual_generated.is_some() {
            continue;
        }
        let col = &tc.qname;
        let sql =
            format!("SELECT pg_catalog.format('%s', {col}) FROM ONLY {} WHERE {col} IS NOT NULL LIMIT 50", t.qname);
        let vals: Vec<String> = rolled_back(|| {
            Spi::connect(|c| {
                c.select(&sql, None, &[]).map(|rows| rows.filter_map(|r| r.get::<String>(1).ok().flatten()).collect())
            })
            .unwrap_or_default()
        })
        .unwrap_or_default();
        for v in vals {
            if found.len() < 2 && !found.contains(&v) {
                found.push(v);
            }
        }
    }
    let setting = cfg.tenant_setting.clone();
    let mut out = Vec::new();
    for t in &tables {
        let tc = t.tenant.as_ref().unwrap();
        let (ta, tb) = pick(&by_type, tc);
        let citus = snap.citus.as_ref().and_then(|c| c.table(t.oid));
        probe_table(t, citus, &who, &setting, &ta, &tb, &mut out);
    }
    let mut views: Vec<&Relation> = snap.relations.iter().filter(|r| r.kind == RelKind::View).collect();
    views.sort_by(|x, y| x.qname.cmp(&y.qname));
    for v in views {
        let read = ctx.tenant_tables_read(v);
        if read.is_empty() {
            continue;
        }
        let tc = read[0].tenant.as_ref().unwrap();
        let col = tc.qname.clone();
        let (ta, _) = pick(&by_type, tc);
        probe_view(v, &col, &who, &setting, &ta, &mut out);
    }
    out
}
