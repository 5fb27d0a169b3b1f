//! One call's inputs: the validated configuration, one catalog snapshot, and the checks'
//! context over it. Every SQL-facing function that audits, plans or probes starts here.

use pgrx::prelude::*;

use std::collections::HashMap;

use crate::checks::{self, Ctx, Finding, Part, Waived};
use crate::config::{self, Config};
use crate::error::{raise, raise_config};
use crate::snapshot::{load, Snapshot};
use crate::timing;
use crate::waivers;

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

/// What an audit found: the active findings (waived ones removed, `waiver_unmatched` added)
/// and the waived ones, with the policy expressions the findings print deparsed.
pub struct Audit {
    pub cfg: Config,
    pub snap: Snapshot,
    pub findings: Vec<Finding>,
    pub waived: Vec<Waived>,
}

/// Snapshot + checks + waivers.
pub fn run_audit() -> Audit {
    let start = std::time::Instant::now();
    timing::reset();
    let cfg = config_or_raise();
    let snap = snapshot_or_raise(&cfg);
    let findings = {
        let ctx = timing::phase("analysis", || Ctx::new(&snap, &cfg)).unwrap_or_else(|e| raise_config(e));
        checks::run_all(&ctx)
    };
    let (mut findings, mut waived) =
        timing::phase("waivers", || checks::apply_waivers(findings, &waivers::load(), cfg.schemas.as_deref()));
    timing::phase("policy_texts", || fill_policy_texts(&mut findings));
    let mut texts: Vec<Finding> = waived.iter().map(|w| w.finding.clone()).collect();
    if !texts.is_empty() {
        fill_policy_texts(&mut texts);
        for (w, f) in waived.iter_mut().zip(texts) {
            w.finding = f;
        }
    }
    timing::report("audit", start.elapsed());
    Audit { cfg, snap, findings, waived }
}

/// The findings `rls_fix` acts on: every check's, less the waived ones.
pub fn findings_to_fix(cfg: &Config, ctx: &Ctx) -> Vec<Finding> {
    checks::apply_waivers(checks::run_all(ctx), &waivers::load(), cfg.schemas.as_deref()).0
}

const POLICY_TEXT: &str = include_str!("../sql/snapshot/policy_text.sql");

/// Deparse (pg_get_expr) only the policy expressions the findings print.
pub fn fill_policy_texts(findings: &mut [Finding]) {
    let needed = checks::expr_texts_needed(findings);
    if needed.is_empty() {
        return;
    }
    let mut tables: Vec<i64> = needed.iter().map(|(t, _, _)| *t).collect();
    tables.sort();
    tables.dedup();
    let mut texts: HashMap<(i64, String), (Option<String>, Option<String>)> = HashMap::new();
    let loaded = Spi::connect(|c| {
        for row in c.select(POLICY_TEXT, None, &[tables.into()])? {
            let (Some(t), Some(n)) = (row.get_by_name::<i64, _>("tbl")?, row.get_by_name::<String, _>("name")?) else {
                continue;
            };
            texts.insert((t, n), (row.get_by_name("using_expr")?, row.get_by_name("check_expr")?));
        }
        Ok::<_, pgrx::spi::SpiError>(())
    });
    if let Err(e) = loaded {
        raise(
            PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
            format!("rls_fixer: reading policy expressions failed: {e}"),
            None,
        );
    }
    checks::fill_expr_texts(findings, |t, n, part| {
        let (u, c) = texts.get(&(t, n.to_string()))?;
        match part {
            Part::Using => u.clone(),
            Part::Check => c.clone().or_else(|| u.clone()),
        }
    });
}
