//! Why a statement on a tenant table may have become slower under RLS, from the catalog and
//! the table's scan counters. Pure Rust over the checks' [`Ctx`]: the policy and index causes
//! are the registry's own checks (`policy_not_sargable`, `tenant_index_missing`), run once;
//! the rest reads the policies' analysis (`PolicyInfo`) and `pg_stat_user_tables`.

use rustc_hash::FxHashMap;

use crate::analysis::{self, CONFIGURED_SETTING, PROTECTED_TENANT};
use crate::checks::{Check, Ctx, Finding, Target};
use crate::ddl;
use crate::snapshot::{Oid, Policy, Relation};

/// A table's counters from `pg_stat_user_tables` (a partitioned table: its leaf partitions summed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStats {
    pub seq_scan: i64,
    pub seq_tup_read: i64,
    pub idx_scan: i64,
    pub n_live_tup: i64,
}

/// Tables with fewer live rows are read whole cheaply: their sequential scans are no cause.
pub const SEQ_SCAN_MIN_ROWS: i64 = 1000;

/// One likely cause: a code (a check's name, `policy_reads_table` or `seq_scans`), what was
/// found, and a statement that fixes it when one is safe.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    pub code: &'static str,
    pub detail: String,
    pub fix_sql: Option<String>,
}

/// The checks whose findings are performance causes.
const CAUSE_CHECKS: [&str; 2] = ["policy_not_sargable", "tenant_index_missing"];

/// The causes of every table of one snapshot: the registry's checks run once.
pub struct Causes<'c, 'a> {
    c: &'c Ctx<'a>,
    findings: FxHashMap<Oid, Vec<Finding>>,
}

impl<'c, 'a> Causes<'c, 'a> {
    pub fn new(c: &'c Ctx<'a>) -> Causes<'c, 'a> {
        let mut all = Vec::new();
        for name in CAUSE_CHECKS {
            if let Some(check) = Check::named(name) {
                (check.run)(c, &mut all);
            }
        }
        let mut findings: FxHashMap<Oid, Vec<Finding>> = FxHashMap::default();
        for f in all {
            if let Target::Relation(oid) = f.target {
                findings.entry(oid).or_default().push(f);
            }
        }
        Causes { c, findings }
    }

    /// The likely causes for a tenant table (a partition: its own, and its parent's missing index).
    pub fn of_table(&self, table: Oid, stats: Option<&TableStats>) -> Vec<Cause> {
        let Some(r) = self.c.ix.rel.get(&table).copied() else { return Vec::new() };
        let mut out = Vec::new();
        let own = self.findings.get(&table).map(|v| v.as_slice()).unwrap_or(&[]);
        for f in own.iter().filter(|f| f.check_name == "policy_not_sargable") {
            let policy = self
                .c
                .ix
                .policies_of(table)
                .iter()
                .copied()
                .find(|p| format!("{}.{}", r.qname, p.qname) == f.object_name);
            out.push(Cause {
                code: "policy_not_sargable",
                detail: f.detail.clone(),
                fix_sql: policy.and_then(|p| self.sargable_rewrite(r, p)),
            });
        }
        let parent = self.c.tenant_parent(r).map(|p| p.oid);
        let inherited = parent.and_then(|p| self.findings.get(&p)).map(|v| v.as_slice()).unwrap_or(&[]);
        for f in own.iter().chain(inherited).filter(|f| f.check_name == "tenant_index_missing") {
            out.push(Cause { code: "tenant_index_missing", detail: f.detail.clone(), fix_sql: f.fix_sql.clone() });
        }
        for p in self.c.ix.policies_of(table) {
            let i = self.c.info(p);
            if i.reads.is_empty() || !i.applies_to_app {
                continue;
            }
            let names: Vec<String> = i
                .reads
                .iter()
                .map(|o| self.c.ix.rel.get(o).map(|x| x.qname.clone()).unwrap_or_else(|| format!("relation {o}")))
                .collect();
            out.push(Cause {
                code: "policy_reads_table",
                detail: format!(
                    "policy {} on {} reads {}: its sub-query runs with every statement on the table, and for every row when it refers to the row",
                    p.qname,
                    r.qname,
                    names.join(", ")
                ),
                fix_sql: None,
            });
        }
        if let Some(s) = stats.filter(|s| seq_scans_matter(s)) {
            out.push(Cause {
                code: "seq_scans",
                detail: format!(
                    "{}: {} sequential scans read {} rows ({} per scan, {} live rows) against {} index scans (pg_stat_user_tables)",
                    r.qname,
                    s.seq_scan,
                    s.seq_tup_read,
                    s.seq_tup_read / s.seq_scan.max(1),
                    s.n_live_tup,
                    s.idx_scan
                ),
                fix_sql: None,
            });
        }
        out
    }

    /// `ALTER POLICY … USING (<the generated predicate>)` for a policy whose every expression is
    /// a lone equality between the (cast or case-folded) tenant column and the configured
    /// tenant: the bare column then uses an index, and the policy admits a subset of what it
    /// admitted (an exact match with the same tenant). None when the policy does anything else
    /// (another condition, a volatile function, a sub-query, another setting).
    fn sargable_rewrite(&self, r: &Relation, p: &Policy) -> Option<String> {
        let t = r.tenant.as_ref()?;
        let i = self.c.info(p);
        if !i.volatile_funcs.is_empty() || !i.reads.is_empty() || t.virtual_generated.is_some() {
            return None;
        }
        let configured =
            |s: &String| s == &self.c.cfg.tenant_setting || s == CONFIGURED_SETTING || s == PROTECTED_TENANT;
        if !i.settings.iter().all(configured) {
            return None;
        }
        let cat = &self.c.ix.snap.catalog;
        let sole = |tree: &Option<crate::snapshot::Tree>| {
            tree.as_deref()
                .and_then(|x| analysis::lower(x, cat).expr)
                .is_some_and(|e| analysis::sole_tenant_comparison(&e, t.attnum))
        };
        let pred = ddl::predicate(t, &ddl::Form::of(self.c.cfg));
        // USING is what scans filter with; an explicit WITH CHECK that is the same lone
        // comparison is rewritten too, any other stays as it is (INSERT policies never scan)
        if !p.cmd.has_using() || !sole(&p.using) {
            return None;
        }
        let clauses = if p.cmd.checks_writes() && p.check.is_some() && sole(&p.check) {
            format!("USING ({pred}) WITH CHECK ({pred})")
        } else {
            format!("USING ({pred})")
        };
        Some(format!("ALTER POLICY {} ON {} {clauses}", p.qname, r.qname))
    }
}

/// Mostly sequential scans of a table big enough for them to cost.
pub fn seq_scans_matter(s: &TableStats) -> bool {
    s.n_live_tup >= SEQ_SCAN_MIN_ROWS && s.seq_scan > 0 && s.seq_scan >= s.idx_scan
}
