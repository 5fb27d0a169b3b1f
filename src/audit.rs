//! The audit's SQL face: `rls_audit()`, `rls_audit_json()`, `rls_audit_sarif()` and
//! `rls_check()`.

use pgrx::prelude::*;
use pgrx::search_path;
use serde_json::json;

use crate::checks::{Finding, Severity, REGISTRY};
use crate::config;
use crate::error::raise;
use crate::prepare::{run_audit, Audit};
use crate::privilege::{as_extension_owner, pinned};
use crate::snapshot::Snapshot;

/// Every tenant-isolation weakness, one row each: errors first, then by object. Waived findings
/// (rls_fixer.waive) are left out unless `include_waived`; their `waiver` column says why.
#[pg_extern(stable, parallel_safe, name = "rls_audit")]
#[allow(clippy::type_complexity)]
// search_path and jit are pinned in code (privilege::pinned), not with a SET clause, which
// PostgreSQL would apply again for every row a set-returning function returns.
// The Rust name differs from 0.1.0's (`rls_audit()`, other arguments and columns): between the
// library swap and ALTER EXTENSION UPDATE, 0.1.0's definition then fails to find its symbol
// instead of calling this with the wrong types (CONTRIBUTING.md, "Upgrades").
pub fn rls_audit_v2(
    include_waived: default!(bool, false),
) -> TableIterator<
    'static,
    (
        name!(check_name, &'static str),
        name!(severity, &'static str),
        name!(object_type, &'static str),
        name!(object_name, String),
        name!(detail, String),
        name!(fix_sql, Option<String>),
        name!(waiver, Option<String>),
    ),
> {
    let a = pinned(run_audit);
    let mut rows: Vec<(Finding, Option<String>)> = a.findings.into_iter().map(|f| (f, None)).collect();
    if include_waived {
        rows.extend(a.waived.into_iter().map(|w| {
            let why = w.waiver.describe();
            (w.finding, Some(why))
        }));
        rows.sort_by(|(a, _), (b, _)| {
            (a.severity, &a.object_name, a.check_name).cmp(&(b.severity, &b.object_name, b.check_name))
        });
    }
    // the static names are returned as they are, not copied into a String per row first
    TableIterator::new(
        rows.into_iter()
            .map(|(f, w)| (f.check_name, f.severity.as_str(), f.object_type, f.object_name, f.detail, f.fix_sql, w)),
    )
}

pub fn summary(snap: &Snapshot, findings: &[Finding], waived: usize) -> serde_json::Value {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let tenant_tables = snap.relations.iter().filter(|r| r.is_tenant_table()).count();
    let skipped = findings.iter().filter(|f| f.check_name == "table_skipped").count();
    let mut by_check = serde_json::Map::new();
    for f in findings {
        let e = by_check.entry(f.check_name.to_string()).or_insert(json!(0));
        *e = json!(e.as_u64().unwrap_or(0) + 1);
    }
    json!({
        "error": count(Severity::Error),
        "warning": count(Severity::Warning),
        "info": count(Severity::Info),
        "tenant_tables": tenant_tables,
        "skipped_tables": skipped,
        "server_version_num": snap.server_version_num,
        "by_check": by_check,
        "waived": waived,
    })
}

/// The audit as one JSON document: `{"summary": {...}, "config": {...}, "findings": [...],
/// "waived": [...]}` (waived findings carry their `waiver`; the counts leave them out).
#[pg_extern(stable, parallel_safe)]
#[search_path(pg_catalog, pg_temp)]
pub fn rls_audit_json() -> pgrx::JsonB {
    let a = run_audit();
    pgrx::JsonB(json!({
        "summary": summary(&a.snap, &a.findings, a.waived.len()),
        "config": config::effective(&a.cfg),
        "findings": a.findings,
        "waived": a.waived,
    }))
}

/// Run the audit, append it to `rls_fixer.check_history`, return the number of errors and
/// raise a WARNING listing them (an ERROR with `raise_on_error`, so a pg_cron job is marked
/// failed; the history row is then rolled back with the job's transaction).
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
pub fn rls_check(raise_on_error: default!(bool, false)) -> i32 {
    let Audit { cfg, snap, findings, waived } = run_audit();
    let s = summary(&snap, &findings, waived.len());
    let n = |k: &str| s.get(k).and_then(|v| v.as_i64()).unwrap_or(0) as i32;
    let (errors, warnings, infos) = (n("error"), n("warning"), n("info"));
    // the top statements on tenant tables slower since their fix run (no query texts; null
    // without pg_stat_statements): see rls_perf_report
    let perf = crate::perf::regressions_json(&cfg, &snap);
    let doc = pgrx::JsonB(json!({ "summary": s, "findings": findings, "waived": waived, "perf": perf }));
    let settings = pgrx::JsonB(config::effective(&cfg));
    // the history is evidence: written by the extension's own code only, as its owner
    as_extension_owner(|| {
        Spi::connect_mut(|c| {
            c.update(
                "INSERT INTO rls_fixer.check_history (error_count, warning_count, info_count, findings, config) VALUES ($1, $2, $3, $4, $5)",
                None,
                &[errors.into(), warnings.into(), infos.into(), doc.into(), settings.into()],
            )
            .map(|_| ())
        })
    })
    .unwrap_or_else(|e| {
        raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_check: recording the check failed: {e}"), None)
    });
    if errors > 0 {
        let listed: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .take(20)
            .map(|f| format!("{} {}", f.check_name, f.object_name))
            .collect();
        let more = if errors > 20 { format!(" and {} more", errors - 20) } else { String::new() };
        let msg = format!("rls_check: {errors} tenant-isolation error(s): {}{more}", listed.join("; "));
        if raise_on_error {
            raise(PgSqlErrorCode::ERRCODE_RAISE_EXCEPTION, msg, Some("SELECT * FROM rls_audit() lists them with their fix; SELECT rls_fix(false) applies the automatic ones.".into()));
        }
        pgrx::warning!("{msg}");
    }
    errors
}

fn sarif_level(sev: &str) -> &'static str {
    match sev {
        "warning" => "warning",
        "info" => "note",
        _ => "error",
    }
}

/// The audit as SARIF 2.1.0: rules = checks, results = findings, logical locations =
/// database objects. Upload it to code scanning from CI.
#[pg_extern(stable, parallel_safe)]
#[search_path(pg_catalog, pg_temp)]
pub fn rls_audit_sarif() -> pgrx::JsonB {
    let a = run_audit();
    let rules: Vec<serde_json::Value> = REGISTRY
        .iter()
        .map(|c| {
            json!({
                "id": c.name,
                "name": c.name,
                "shortDescription": { "text": c.finds },
                "defaultConfiguration": { "level": sarif_level(c.severity) },
            })
        })
        .collect();
    let result = |f: &Finding| {
        let index = REGISTRY.iter().position(|c| c.name == f.check_name).unwrap_or(0);
        let mut r = json!({
            "ruleId": f.check_name,
            "ruleIndex": index,
            "level": sarif_level(f.severity.as_str()),
            "message": { "text": f.detail },
            "locations": [{
                "logicalLocations": [{ "fullyQualifiedName": f.object_name, "kind": f.object_type }]
            }],
            "partialFingerprints": { "rlsFixer/v1": format!("{}:{}", f.check_name, f.object_name) },
        });
        if let Some(fix) = &f.fix_sql {
            r["properties"] = json!({ "fix_sql": fix });
        }
        r
    };
    let mut results: Vec<serde_json::Value> = a.findings.iter().map(result).collect();
    // waived findings are results with an accepted external suppression (SARIF 2.1.0 §3.35)
    results.extend(a.waived.iter().map(|w| {
        let mut r = result(&w.finding);
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": w.waiver.describe(),
        }]);
        r
    }));
    pgrx::JsonB(json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rls_fixer",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    }))
}
