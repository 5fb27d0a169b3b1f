//! Waivers: findings a team has reviewed and accepted (`rls_fixer.waive`), matched by check
//! name and object name. A waived finding leaves the error/warning counts and `rls_fix`'s plan
//! but stays visible; an expired waiver lapses; a waiver that matches no finding is reported
//! (`waiver_unmatched`), since a new object created under the same name would otherwise be
//! waived unseen. Pure: the waivers are read by the caller.

use serde::Serialize;

use super::{finding, sort_findings, Finding, Severity, Target};
use crate::ddl;

/// One row of `rls_fixer.waiver`, as read (dates as text; `expired` computed by the server).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waiver {
    pub check_name: String,
    pub object_name: String,
    pub reason: String,
    pub expires: Option<String>,
    pub waived_by: String,
    pub waived_at: String,
    #[serde(skip)]
    pub expired: bool,
}

/// A finding and the waiver that covers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waived {
    #[serde(flatten)]
    pub finding: Finding,
    pub waiver: Waiver,
}

impl Waiver {
    /// One line for humans: "reason (waived by x on …, until …)".
    pub fn describe(&self) -> String {
        let until = self.expires.as_ref().map(|e| format!(", until {e}")).unwrap_or_default();
        format!("{} (waived by {} on {}{until})", self.reason, self.waived_by, self.waived_at)
    }
}

/// Split findings into the active ones and the waived ones; expired waivers lapse (the finding
/// stays active and says so); waivers matching no finding become `waiver_unmatched` findings,
/// except those naming an object outside `schemas` when the audit is limited to some schemas.
pub fn apply(findings: Vec<Finding>, waivers: &[Waiver], schemas: Option<&[String]>) -> (Vec<Finding>, Vec<Waived>) {
    let mut used = vec![false; waivers.len()];
    let mut active = Vec::with_capacity(findings.len());
    let mut waived = Vec::new();
    for mut f in findings {
        let hit = waivers.iter().position(|w| w.check_name == f.check_name && w.object_name == f.object_name);
        match hit {
            Some(i) if !waivers[i].expired => {
                used[i] = true;
                waived.push(Waived { finding: f, waiver: waivers[i].clone() });
            }
            Some(i) => {
                used[i] = true;
                let w = &waivers[i];
                f.detail.push_str(&format!(
                    " (a waiver expired on {}: {})",
                    w.expires.as_deref().unwrap_or("?"),
                    w.describe()
                ));
                active.push(f);
            }
            None => active.push(f),
        }
    }
    for (w, _) in waivers.iter().zip(&used).filter(|(_, u)| !**u) {
        if let Some(s) = schemas {
            let in_scope = s.iter().any(|s| {
                let prefix = format!("{}.", ddl::ident(s));
                w.object_name.starts_with(&prefix)
            });
            // objects named schema.name outside the audited schemas were not looked at
            if !in_scope && w.object_name.contains('.') {
                continue;
            }
        }
        let state = if w.expired { "an expired waiver" } else { "a waiver" };
        active.push(finding(
            "waiver_unmatched",
            Severity::Warning,
            "waiver",
            w.object_name.clone(),
            format!(
                "{state} for {} on {} matches no finding — the object no longer exists or no longer has this weakness; a new object created under this name would be waived unseen. Waiver: {}",
                w.check_name,
                w.object_name,
                w.describe()
            ),
            Some(format!("SELECT rls_fixer.unwaive({}, {})", ddl::literal(&w.check_name), ddl::literal(&w.object_name))),
            Target::Other,
        ));
    }
    sort_findings(&mut active);
    (active, waived)
}

/// The registry's entry point: `waiver_unmatched` findings are made by [`apply`], after every
/// other check has run (they depend on the other findings).
pub fn after_all_checks(_: &super::Ctx, _: &mut Vec<Finding>) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Fix;

    fn f(check: &'static str, object: &str) -> Finding {
        Finding {
            check_name: check,
            severity: Severity::Error,
            object_type: "table",
            object_name: object.into(),
            detail: "d".into(),
            fix_sql: None,
            target: Target::Other,
            fix: Fix::Manual,
        }
    }

    fn w(check: &str, object: &str, expired: bool) -> Waiver {
        Waiver {
            check_name: check.into(),
            object_name: object.into(),
            reason: "reviewed".into(),
            expires: Some("2030-01-01".into()),
            waived_by: "alice".into(),
            waived_at: "2026-12-01".into(),
            expired,
        }
    }

    #[test]
    fn waived_findings_leave_the_active_list() {
        let (active, waived) = apply(
            vec![f("rls_not_forced", "app.a"), f("rls_not_forced", "app.b")],
            &[w("rls_not_forced", "app.a", false)],
            None,
        );
        assert_eq!(active.iter().map(|x| x.object_name.as_str()).collect::<Vec<_>>(), vec!["app.b"]);
        assert_eq!(waived.len(), 1);
        assert_eq!(waived[0].finding.object_name, "app.a");
        // another check on the same object is not waived
        let (active, waived) = apply(vec![f("rls_disabled", "app.a")], &[w("rls_not_forced", "app.a", false)], None);
        assert!(waived.is_empty());
        assert_eq!(active.iter().map(|x| x.check_name).collect::<Vec<_>>(), vec!["rls_disabled", "waiver_unmatched"]);
    }

    #[test]
    fn an_expired_waiver_lapses() {
        let (active, waived) = apply(vec![f("rls_not_forced", "app.a")], &[w("rls_not_forced", "app.a", true)], None);
        assert!(waived.is_empty());
        assert_eq!(active.len(), 1, "the finding is back, and the lapsed waiver is not reported as unmatched");
        assert!(active[0].detail.contains("a waiver expired on 2030-01-01"), "{}", active[0].detail);
    }

    #[test]
    fn an_unmatched_waiver_is_reported_in_scope_only() {
        let ws = [
            w("rls_not_forced", "app.gone", false),
            w("rls_not_forced", "other.x", false),
            w("role_bypassrls", "bob", false),
        ];
        let (active, _) = apply(vec![], &ws, None);
        assert_eq!(
            active.iter().map(|x| x.object_name.as_str()).collect::<Vec<_>>(),
            vec!["app.gone", "bob", "other.x"]
        );
        assert_eq!(active[0].fix_sql.as_deref(), Some("SELECT rls_fixer.unwaive('rls_not_forced', 'app.gone')"));
        let (active, _) = apply(vec![], &ws, Some(&["app".to_string()]));
        assert_eq!(active.iter().map(|x| x.object_name.as_str()).collect::<Vec<_>>(), vec!["app.gone", "bob"]);
    }
}
