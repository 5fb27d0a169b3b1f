//! The audit's SQL face: `rls_audit()` and `rls_audit_json()`.

use pgrx::prelude::*;
use serde_json::json;

use crate::checks::{self, ConfigError, Ctx, Finding, Severity};
use crate::snapshot::{Config, Snapshot};
use crate::{catalog, guc, raise};

pub fn config_or_raise() -> Config {
    guc::config().unwrap_or_else(|e| raise_config(e))
}

pub fn raise_config(e: ConfigError) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.message, Some(format!("Fix the setting with SET {} = ... or ALTER DATABASE ... SET.", e.guc)))
}

pub fn snapshot_or_raise(cfg: &Config) -> Snapshot {
    catalog::load(cfg).unwrap_or_else(|e| raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_fixer: reading the catalog failed: {e}"), None))
}

/// Snapshot + checks, with configuration errors raised as SQLSTATE 22023.
pub fn run_audit() -> (Config, Snapshot, Vec<Finding>) {
    let cfg = config_or_raise();
    let snap = snapshot_or_raise(&cfg);
    let findings = {
        let ctx = Ctx::new(&snap, &cfg).unwrap_or_else(|e| raise_config(e));
        checks::run_all(&ctx)
    };
    (cfg, snap, findings)
}

/// Every tenant-isolation weakness, one row each: errors first, then by object.
#[pg_extern(stable, parallel_safe)]
pub fn rls_audit() -> TableIterator<
    'static,
    (
        name!(check_name, String),
        name!(severity, String),
        name!(object_type, String),
        name!(object_name, String),
        name!(detail, String),
        name!(fix_sql, Option<String>),
    ),
> {
    let (_, _, findings) = run_audit();
    TableIterator::new(findings.into_iter().map(|f| {
        (f.check_name.to_string(), f.severity.as_str().to_string(), f.object_type.to_string(), f.object_name, f.detail, f.fix_sql)
    }))
}

pub fn summary(snap: &Snapshot, findings: &[Finding]) -> serde_json::Value {
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
    })
}

/// The audit as one JSON document: `{"summary": {...}, "findings": [...]}`.
#[pg_extern(stable, parallel_safe)]
pub fn rls_audit_json() -> pgrx::JsonB {
    let (cfg, snap, findings) = run_audit();
    pgrx::JsonB(json!({
        "summary": summary(&snap, &findings),
        "config": {
            "tenant_column": cfg.tenant_column,
            "tenant_setting": cfg.tenant_setting,
        },
        "findings": findings,
    }))
}
