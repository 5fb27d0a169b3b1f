//! The server itself: minor releases with RLS-related CVE fixes.

use super::{finding, Ctx, Finding, Severity, Target};

/// An RLS-related CVE and the first minor release of each branch that fixes it.
pub struct RlsCve {
    pub id: &'static str,
    /// what it lets a role do, in a few words
    pub what: &'static str,
    /// the first major with the flaw (MERGE, for one, is 15+)
    pub since_major: i32,
    /// `(major, server_version_num)` of the fix in every branch that got it. A major newer than
    /// the last entry was released with the fix; a major from `since_major` up to the first
    /// entry was out of support and never got it.
    pub fixed: &'static [(i32, i32)],
}

/// The RLS-related CVEs, each with the fix level of every branch, from the PostgreSQL release
/// notes (18.6's notes for CVE-2026-14666, backpatched to 14; 13 was out of support by then).
/// None newer is known to this table as of 18.6.
pub static RLS_CVES: &[RlsCve] = &[
    RlsCve {
        id: "CVE-2023-2455",
        what: "policies of the wrong role applied through an inlined set-returning function's cached plan",
        since_major: 9,
        fixed: &[(11, 110020), (12, 120015), (13, 130011), (14, 140008), (15, 150003)],
    },
    RlsCve {
        id: "CVE-2023-39418",
        what: "MERGE ... UPDATE skipping the UPDATE and SELECT policies",
        since_major: 15,
        fixed: &[(15, 150004)],
    },
    RlsCve {
        id: "CVE-2024-10976",
        what: "policies of the wrong role applied through cached plans of subqueries, CTEs and security_invoker views",
        since_major: 9,
        fixed: &[(13, 130017), (14, 140014), (15, 150009), (16, 160005), (17, 170001)],
    },
    RlsCve {
        id: "CVE-2025-8713",
        what: "rows hidden by policies read back through planner statistics of partitions and inheritance children",
        since_major: 9,
        fixed: &[(13, 130022), (14, 140019), (15, 150014), (16, 160010), (17, 170006)],
    },
    RlsCve {
        id: "CVE-2026-14666",
        what: "cached plans kept after role membership, role attribute or database owner changes that alter which policies apply",
        since_major: 9,
        fixed: &[(14, 140024), (15, 150019), (16, 160015), (17, 170011), (18, 180006)],
    },
];

/// The fix of `cve` for `major`: `Some(Some(v))` fixed in `v`, `Some(None)` the major never
/// got it, `None` the major is not affected (too old for the feature, or released with the fix).
fn fix_for(cve: &RlsCve, major: i32) -> Option<Option<i32>> {
    if major < cve.since_major {
        return None;
    }
    if let Some((_, v)) = cve.fixed.iter().find(|(m, _)| *m == major) {
        return Some(Some(*v));
    }
    match cve.fixed.iter().map(|(m, _)| *m).max() {
        Some(newest) if major > newest => None,
        _ => Some(None),
    }
}

/// The CVEs of the table that server version `v` (server_version_num) lacks, each with the
/// release that fixes it for that major (None: no release of the major does).
pub fn missing_fixes(v: i32) -> Vec<(&'static RlsCve, Option<i32>)> {
    RLS_CVES
        .iter()
        .filter_map(|cve| match fix_for(cve, v / 10000)? {
            Some(fixed) if v >= fixed => None,
            fix => Some((cve, fix)),
        })
        .collect()
}

fn version(v: i32) -> String {
    format!("{}.{}", v / 10000, v % 10000)
}

pub fn server_version_vulnerable(c: &Ctx, out: &mut Vec<Finding>) {
    let v = c.ix.snap.server_version_num;
    if v == 0 {
        return;
    }
    let missing = missing_fixes(v);
    if missing.is_empty() {
        return;
    }
    let list: Vec<String> = missing
        .iter()
        .map(|(cve, fix)| match fix {
            Some(f) => format!("{} (fixed in {}: {})", cve.id, version(*f), cve.what),
            None => format!("{} (no {} release fixes it: {})", cve.id, v / 10000, cve.what),
        })
        .collect();
    out.push(finding(
        "server_version_vulnerable",
        Severity::Warning,
        "server",
        version(v),
        format!("PostgreSQL {} lacks the fixes for RLS-related {}", version(v), list.join("; ")),
        None,
        Target::Other,
    ));
}
