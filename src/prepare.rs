//! One call's inputs: the validated configuration, one catalog snapshot, and the checks'
//! context over it. Every SQL-facing function that audits, plans or probes starts here.

use pgrx::prelude::*;

use crate::checks::{self, Ctx, Finding};
use crate::config::{self, Config};
use crate::error::{raise, raise_config};
use crate::snapshot::{load, Snapshot};

pub fn config_or_raise() -> Config {
    config::config().unwrap_or_else(|e| raise_config(e))
}

pub fn snapshot_or_raise(cfg: &Config) -> Snapshot {
    load::load(cfg).unwrap_or_else(|e| {
        raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_fixer: reading the catalog failed: {e}"), None)
    })
}

/// One snapshot and the checks' context over it (configuration errors raised as SQLSTATE
/// 22023), handed to `f`: callers that plan or probe reuse it instead of analysing twice.
pub fn with_ctx<R>(f: impl FnOnce(&Config, &Snapshot, &Ctx) -> R) -> R {
    let cfg = config_or_raise();
    let snap = snapshot_or_raise(&cfg);
    let ctx = Ctx::new(&snap, &cfg).unwrap_or_else(|e| raise_config(e));
    f(&cfg, &snap, &ctx)
}

/// Snapshot + checks.
pub fn run_audit() -> (Config, Snapshot, Vec<Finding>) {
    let cfg = config_or_raise();
    let snap = snapshot_or_raise(&cfg);
    let findings = {
        let ctx = Ctx::new(&snap, &cfg).unwrap_or_else(|e| raise_config(e));
        checks::run_all(&ctx)
    };
    (cfg, snap, findings)
}
