//! The server itself: minor releases with RLS-related CVE fixes.

use super::{finding, Ctx, Finding, Severity, Target};

/// First minor release of each major with the fixes for CVE-2023-2455, CVE-2024-10976 and
/// CVE-2025-8713 (all three are RLS/planner leaks).
pub fn min_safe_version(major: i32) -> Option<i32> {
    Some(match major {
        13 => 130022,
        14 => 140019,
        15 => 150014,
        16 => 160010,
        17 => 170006,
        m if m >= 18 => return None,
        m => m * 10000 + 9999, // out of support: no release fixes all three
    })
}

pub fn server_version_vulnerable(c: &Ctx, out: &mut Vec<Finding>) {
    let v = c.ix.snap.server_version_num;
    if v == 0 {
        return;
    }
    if let Some(min) = min_safe_version(v / 10000) {
        if v < min {
            out.push(finding("server_version_vulnerable", Severity::Warning, "server", format!("{}.{}", v / 10000, v % 10000),
                format!("PostgreSQL {}.{} predates {}.{}, the minor release fixing RLS-related CVE-2023-2455, CVE-2024-10976 and CVE-2025-8713 (policies bypassed through cached plans, subqueries and planner statistics)", v / 10000, v % 10000, min / 10000, min % 10000),
                None, Target::Other));
        }
    }
}
