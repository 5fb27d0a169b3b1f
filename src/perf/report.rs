//! Comparing a statement's counters now with the snapshot its fix run took: pure arithmetic,
//! unit-tested without a server.

use serde::Serialize;

/// A statement's counters in pg_stat_statements now, summed over the roles whose entries the
/// caller can see.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub queryid: i64,
    pub query: String,
    pub calls: i64,
    pub total_ms: f64,
    pub userids: Vec<i64>,
}

/// One snapshot row (one role's entry, as a run recorded it).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapRow {
    pub run_id: i64,
    pub userid: i64,
    pub queryid: i64,
    pub calls: i64,
    pub total_ms: f64,
    /// when the run took it (Unix seconds)
    pub taken_at: f64,
}

/// The baseline of one statement: one run's snapshot rows of the same roles, summed.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub run_id: i64,
    pub calls: i64,
    pub total_ms: f64,
    pub taken_at: f64,
}

/// Pick the baseline: the given run's, or the latest run that recorded this statement for
/// these roles.
pub fn baseline(cur: &Current, rows: &[SnapRow], run: Option<i64>) -> Option<Baseline> {
    let mine = |r: &&SnapRow| r.queryid == cur.queryid && cur.userids.contains(&r.userid);
    let run_id = match run {
        Some(r) => r,
        None => rows.iter().filter(mine).map(|r| r.run_id).max()?,
    };
    let of_run: Vec<&SnapRow> = rows.iter().filter(mine).filter(|r| r.run_id == run_id).collect();
    if of_run.is_empty() {
        return None;
    }
    Some(Baseline {
        run_id,
        calls: of_run.iter().map(|r| r.calls).sum(),
        total_ms: of_run.iter().map(|r| r.total_ms).sum(),
        taken_at: of_run.iter().map(|r| r.taken_at).fold(f64::MIN, f64::max),
    })
}

/// Now against the baseline.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Comparison {
    /// the cumulative mean pg_stat_statements shows now
    pub mean_ms: f64,
    pub run_id: Option<i64>,
    pub calls_at_fix: Option<i64>,
    pub mean_ms_at_fix: Option<f64>,
    pub calls_since_fix: Option<i64>,
    /// (total now − total then) / (calls now − calls then)
    pub mean_ms_since_fix: Option<f64>,
    /// mean_ms_since_fix / mean_ms_at_fix
    pub change: Option<f64>,
    /// why there is no change although there is a baseline
    #[serde(skip)]
    pub note: Option<String>,
}

/// Compare; `stats_reset` (Unix seconds) is when pg_stat_statements was last reset, if known.
pub fn compare(cur: &Current, base: Option<&Baseline>, stats_reset: Option<f64>) -> Comparison {
    let mean_ms = if cur.calls > 0 { cur.total_ms / cur.calls as f64 } else { 0.0 };
    let Some(b) = base else { return Comparison { mean_ms, ..Default::default() } };
    let mut c = Comparison {
        mean_ms,
        run_id: Some(b.run_id),
        calls_at_fix: Some(b.calls),
        mean_ms_at_fix: (b.calls > 0).then(|| b.total_ms / b.calls as f64),
        ..Default::default()
    };
    if stats_reset.is_some_and(|r| r > b.taken_at) || cur.calls < b.calls || cur.total_ms + 1e-9 < b.total_ms {
        c.note =
            Some(format!("pg_stat_statements was reset (or the entry evicted) after run {}: no comparison", b.run_id));
        return c;
    }
    let calls = cur.calls - b.calls;
    c.calls_since_fix = Some(calls);
    if calls > 0 {
        let since = (cur.total_ms - b.total_ms) / calls as f64;
        c.mean_ms_since_fix = Some(since);
        c.change = c.mean_ms_at_fix.filter(|at| *at > 0.0).map(|at| since / at);
    }
    c
}

/// A regression worth recording: at least this much slower ...
pub const REGRESSION_RATIO: f64 = 1.25;
/// ... over at least this many calls since the fix.
pub const REGRESSION_MIN_CALLS: i64 = 10;
/// rls_check records this many, the costliest first.
pub const REGRESSIONS_KEPT: usize = 10;

pub fn is_regression(c: &Comparison) -> bool {
    c.change.is_some_and(|x| x >= REGRESSION_RATIO) && c.calls_since_fix.is_some_and(|n| n >= REGRESSION_MIN_CALLS)
}

/// The time a regression added since the fix: (mean since − mean at fix) × calls since.
pub fn extra_ms(c: &Comparison) -> f64 {
    match (c.mean_ms_since_fix, c.mean_ms_at_fix, c.calls_since_fix) {
        (Some(s), Some(a), Some(n)) => (s - a) * n as f64,
        _ => 0.0,
    }
}
