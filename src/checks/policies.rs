//! Checks on the policies of tenant tables: unscoped permissive policies, fail-open
//! predicates, unchecked writes, the wrong setting, non-sargable predicates.

use super::context::{expr_text, policy_qname, Part};
use super::{finding, Ctx, Finding, Severity, Target};
use crate::analysis::{SettingState, CONFIGURED_SETTING, PROTECTED_TENANT};
use crate::config::ContextMode;
use crate::ddl;
use crate::snapshot::*;
use rustc_hash::FxHashMap;

pub fn permissive_policy_unscoped(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t, p) in c.tenant_policies() {
        let i = c.info(p);
        if !p.permissive || !p.cmd.has_using() || i.using_scope.scoped || !i.applies_to_app || c.floored(r.oid, p) {
            continue;
        }
        let using = expr_text(p, Part::Using);
        out.push(finding("permissive_policy_unscoped", Severity::Error, "policy", policy_qname(r, p),
            format!("permissive policy {} on {} has USING ({}), which does not pin {} to the tenant; permissive policies are OR'd, so every row it admits is visible to every tenant", p.qname, r.qname, using, t.qname),
            Some(ddl::floor_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix))), Target::Relation(r.oid)));
    }
}

pub fn policy_fail_open(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _, p) in c.tenant_policies() {
        let i = c.info(p);
        let Some(st) = i.fail_open else { continue };
        if !(i.using_scope.scoped || i.check_scope.scoped) || (p.permissive && c.floored(r.oid, p)) {
            continue;
        }
        let when = match st {
            SettingState::Unset => "unset",
            SettingState::Cleared => "cleared to ''",
        };
        let text = expr_text(p, if p.using.is_some() { Part::Using } else { Part::Check });
        out.push(finding("policy_fail_open", Severity::Error, "policy", policy_qname(r, p),
            format!("policy {} on {} admits rows when the tenant setting is {}: {}; a request that forgets its tenant sees other tenants' rows", p.qname, r.qname, when, text),
            Some(ddl::floor_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix))), Target::Relation(r.oid)));
    }
}

/// The INSERT path: a permissive policy covering INSERT whose WITH CHECK does not pin the
/// tenant (the UPDATE path is update_moves_tenant).
pub fn write_check_missing(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t, p) in c.tenant_policies() {
        let i = c.info(p);
        let covers_insert = matches!(p.cmd, PolicyCmd::All | PolicyCmd::Insert);
        if !p.permissive
            || !covers_insert
            || i.check_scope.scoped
            || !i.applies_to_app
            || c.has_floor_for(r.oid, &[PolicyCmd::Insert])
        {
            continue;
        }
        // an unscoped USING is reported (and fixed) by permissive_policy_unscoped already
        if p.cmd.has_using() && !i.using_scope.scoped {
            continue;
        }
        let what = match (&p.check, p.cmd) {
            (None, PolicyCmd::Insert) => "has no WITH CHECK".to_string(),
            (Some(_), _) => {
                format!("checks new rows WITH CHECK ({}), weaker than its USING", expr_text(p, Part::Check))
            }
            (None, _) => "does not check new rows".to_string(),
        };
        out.push(finding(
            "write_check_missing",
            Severity::Error,
            "policy",
            policy_qname(r, p),
            format!(
                "policy {} on {} {}: a tenant can write rows carrying another tenant's {}",
                p.qname, r.qname, what, t.qname
            ),
            Some(ddl::floor_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix))),
            Target::Relation(r.oid),
        ));
    }
}

pub fn policy_setting_mismatch(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _, p) in c.tenant_policies() {
        let i = c.info(p);
        let other: Vec<&String> =
            i.settings.iter().filter(|s| **s != c.cfg.tenant_setting && *s != PROTECTED_TENANT).collect();
        if other.is_empty() {
            continue;
        }
        out.push(finding("policy_setting_mismatch", Severity::Warning, "policy", policy_qname(r, p),
            format!("policy {} on {} reads {} but set_tenant_context() sets '{}' (rls_fixer.tenant_setting): requests see nothing, or whatever that other setting holds", p.qname, r.qname,
                other.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", "), c.cfg.tenant_setting),
            None, Target::Relation(r.oid)));
    }
}

pub fn policy_not_sargable(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t, p) in c.tenant_policies() {
        let i = c.info(p);
        let wrapped = i.using_scope.scoped && !i.using_scope.sargable;
        if !wrapped && i.volatile_funcs.is_empty() {
            continue;
        }
        let mut why = Vec::new();
        if wrapped {
            why.push(format!("{} is wrapped in a cast or function", t.qname));
        }
        if !i.volatile_funcs.is_empty() {
            why.push(format!("it calls volatile function(s) {}, evaluated per row", i.volatile_funcs.join(", ")));
        }
        out.push(finding(
            "policy_not_sargable",
            Severity::Warning,
            "policy",
            policy_qname(r, p),
            format!(
                "policy {} on {}: {}; an index on the tenant column cannot be used",
                p.qname,
                r.qname,
                why.join("; ")
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}

pub fn policy_errors_without_tenant(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _, p) in c.tenant_policies() {
        let i = c.info(p);
        let Some(st) = i.errors else { continue };
        if !(i.using_scope.scoped || i.check_scope.scoped) {
            continue;
        }
        let when = match st {
            SettingState::Unset => "unset (current_setting without missing_ok)",
            SettingState::Cleared => "cleared to '' (the cast of '' fails)",
        };
        out.push(finding("policy_errors_without_tenant", Severity::Warning, "policy", policy_qname(r, p),
            format!("policy {} on {} raises an error when the tenant setting is {}: it fails closed, but every query without a tenant errors instead of returning no rows; compare with NULLIF(current_setting('{}', true), '')::type", p.qname, r.qname, when, c.cfg.tenant_setting),
            None, Target::Relation(r.oid)));
    }
}

/// Does this scope read the tenant from something any role can SET?
fn spoofable(c: &Ctx, settings: &[String]) -> bool {
    settings.iter().any(|s| match s.as_str() {
        PROTECTED_TENANT => false,
        CONFIGURED_SETTING => c.cfg.context_mode == ContextMode::Setting,
        _ => true,
    })
}

/// Once per database: tenant policies read a setting the app roles can SET themselves.
pub fn tenant_context_spoofable(c: &Ctx, out: &mut Vec<Finding>) {
    if c.app_roles.is_empty() {
        return;
    }
    let spoofed: Vec<&Relation> = c
        .tenant_policies()
        .filter(|(_, _, p)| {
            let i = c.info(p);
            i.applies_to_app && i.using_scope.scoped && spoofable(c, &i.using_scope.settings)
        })
        .map(|(r, _, _)| r)
        .collect();
    let mut tables: Vec<&str> = spoofed.iter().map(|r| r.qname.as_str()).collect();
    tables.sort();
    tables.dedup();
    if tables.is_empty() {
        return;
    }
    let shown: Vec<&str> = tables.iter().take(5).copied().collect();
    let more = if tables.len() > 5 { format!(" and {} more", tables.len() - 5) } else { String::new() };
    let citus = spoofed.iter().any(|r| super::citus::managed(c, r));
    let remedy = match (c.cfg.context_mode, citus) {
        (_, true) => "the policies of Citus tables read the setting in either mode (the workers cannot receive the protected tenant securely; see the README, \"Citus\"), so on them the tenant is only as safe as the application's SQL",
        (ContextMode::Setting, false) => "SET rls_fixer.context_mode = protected (ALTER DATABASE … SET as a superuser) and run SELECT rls_fix(false): generated policies then read state only set_tenant_context() can change",
        (ContextMode::Protected, false) => "these are hand-written policies (rls_fix never rewrites them): compare with rls_fixer.tenant() instead, as the generated ones do",
    };
    out.push(finding(
        "tenant_context_spoofable",
        Severity::Warning,
        "setting",
        c.cfg.tenant_setting.clone(),
        format!(
            "tenant policies on {} table(s) ({}{more}) read the tenant from a setting any role can SET: the app role, or an SQL injection in the application, can run SET {} = '<another tenant>' and read that tenant's rows; {remedy}",
            tables.len(),
            shown.join(", "),
            c.cfg.tenant_setting
        ),
        None,
        Target::Other,
    ));
}

/// The form a generated policy on `r` should have in the configured mode (and, with Citus,
/// for that table: `ddl::Form::of_table`), if this one differs.
fn outdated_form(c: &Ctx, r: &Relation, settings: &[String]) -> bool {
    match ddl::Form::of_table(c.cfg, r, &c.ix) {
        ddl::Form::Protected => settings != [PROTECTED_TENANT.to_string()],
        ddl::Form::Setting(s) | ddl::Form::Bare(s) => settings != [s],
    }
}

/// The extension's own generated policies in the other mode's form (or for an old setting):
/// replaced, atomically and undoably, by rls_fix.
pub fn generated_policy_outdated(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _, p) in c.tenant_policies() {
        if !(p.name.starts_with(ddl::ISOLATION) || p.name.starts_with(ddl::FLOOR)) {
            continue;
        }
        let i = c.info(p);
        if !i.using_scope.scoped || !outdated_form(c, r, &i.using_scope.settings) {
            continue;
        }
        let reads = i.using_scope.settings.join(", ");
        let citus = c.ix.snap.citus.as_ref().and_then(|ci| ci.table(r.oid));
        let want = match (c.cfg.context_mode, citus) {
            (ContextMode::Protected, Some(t)) => format!(
                "current_setting('{}') (a {} Citus table: the workers cannot receive the protected tenant)",
                c.cfg.tenant_setting,
                t.kind.as_str()
            ),
            (ContextMode::Protected, None) => "rls_fixer.tenant() (rls_fixer.context_mode = protected)".to_string(),
            (ContextMode::Setting, _) => {
                format!("current_setting('{}') (rls_fixer.context_mode = setting)", c.cfg.tenant_setting)
            }
        };
        let form = ddl::Form::of_table(c.cfg, r, &c.ix);
        let fix =
            format!("DROP POLICY {} ON {}; {}", p.qname, r.qname, ddl::policy_named(r, &form, &p.name, !p.permissive));
        out.push(finding(
            "generated_policy_outdated",
            Severity::Warning,
            "policy",
            policy_qname(r, p),
            format!("generated policy {} on {} reads {reads}; the configured form reads {want}", p.qname, r.qname),
            Some(fix),
            Target::Relation(r.oid),
        ));
    }
}

/// The UPDATE path: a permissive policy covering UPDATE whose USING pins the tenant (the row
/// is visible and updatable) but whose WITH CHECK does not (the new row may carry another
/// tenant's id).
pub fn update_moves_tenant(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t, p) in c.tenant_policies() {
        let i = c.info(p);
        let covers_update = matches!(p.cmd, PolicyCmd::All | PolicyCmd::Update);
        if !p.permissive
            || !covers_update
            || !i.using_scope.scoped
            || i.check_scope.scoped
            || !i.applies_to_app
            || c.has_floor_for(r.oid, &[PolicyCmd::Update])
        {
            continue;
        }
        out.push(finding(
            "update_moves_tenant",
            Severity::Error,
            "policy",
            policy_qname(r, p),
            format!(
                "policy {} on {} lets a tenant update its rows WITH CHECK ({}), which does not pin {}: UPDATE … SET {} = '<another tenant>' moves a row into another tenant",
                p.qname,
                r.qname,
                expr_text(p, Part::Check),
                t.qname,
                t.qname
            ),
            Some(ddl::floor_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix))),
            Target::Relation(r.oid),
        ));
    }
}

/// The relations a tenant policy's subqueries read, other than its own table, known to the
/// snapshot.
fn read_relations<'a>(c: &'a Ctx, r: &Relation, p: &Policy) -> Vec<&'a Relation> {
    c.info(p).reads.iter().filter(|o| **o != r.oid).filter_map(|o| c.ix.rel.get(o).copied()).collect()
}

pub fn policy_reads_writable_table(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _, p) in c.tenant_policies() {
        for x in read_relations(c, r, p) {
            // a protected tenant table whose policies pin the tenant of every row written only
            // takes rows of the writer's own tenant (and the policy's sub-select reads it
            // under its own policies): nothing about another tenant can be forged there
            let protected = x.is_tenant_table() && x.rls_enabled && x.rls_forced && c.writes_pinned(x.oid);
            let writers = c.app_writers(x);
            if protected || writers.is_empty() {
                continue;
            }
            let roles: Vec<String> = writers.iter().map(|w| c.ix.role_name(*w)).collect();
            out.push(finding(
                "policy_reads_writable_table",
                Severity::Error,
                "policy",
                policy_qname(r, p),
                format!(
                    "policy {} on {} decides access by reading {}, which app role(s) {} can INSERT into or UPDATE: a tenant can forge the rows the policy trusts (e.g. a membership in another tenant)",
                    p.qname,
                    r.qname,
                    x.qname,
                    roles.join(", ")
                ),
                Some(format!("REVOKE INSERT, UPDATE ON {} FROM {}", x.qname, roles.join(", "))),
                Target::Relation(r.oid),
            ));
        }
    }
}

pub fn policy_reads_unprotected_table(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _, p) in c.tenant_policies() {
        for x in read_relations(c, r, p) {
            // reported whether or not the app can also write it (policy_reads_writable_table):
            // revoking the writes leaves every tenant reading it
            if x.rls_enabled {
                continue;
            }
            let readers = c.app_readers(x);
            if readers.is_empty() {
                continue;
            }
            out.push(finding(
                "policy_reads_unprotected_table",
                Severity::Warning,
                "policy",
                policy_qname(r, p),
                format!(
                    "policy {} on {} reads {}, which has no row-level security and which app role(s) {} can read in full: what the policy decides from (e.g. every tenant's memberships) is visible to every tenant",
                    p.qname,
                    r.qname,
                    x.qname,
                    readers.iter().map(|a| c.ix.role_name(*a)).collect::<Vec<_>>().join(", ")
                ),
                None,
                Target::Relation(r.oid),
            ));
        }
    }
}

/// Policies whose subqueries read, through the policies of the tables they read, back into
/// their own table: PostgreSQL stops such queries with "infinite recursion detected in policy"
/// (SQLSTATE 42P17).
pub fn policy_recursion(c: &Ctx, out: &mut Vec<Finding>) {
    // edges: a table with RLS enabled → the tables its policies read
    let mut edges: FxHashMap<Oid, Vec<Oid>> = FxHashMap::default();
    for p in &c.ix.snap.policies {
        let Some(r) = c.ix.rel.get(&p.table) else { continue };
        if !r.rls_enabled {
            continue;
        }
        let e = edges.entry(p.table).or_default();
        for o in &c.info(p).reads {
            if c.ix.rel.get(o).is_some_and(|x| x.rls_enabled) && !e.contains(o) {
                e.push(*o);
            }
        }
    }
    // does `from` reach `to`?
    let reaches = |from: Oid, to: Oid| {
        let mut seen: Vec<Oid> = Vec::new();
        let mut stack = vec![from];
        while let Some(x) = stack.pop() {
            if x == to {
                return true;
            }
            if seen.contains(&x) {
                continue;
            }
            seen.push(x);
            if let Some(next) = edges.get(&x) {
                stack.extend(next.iter().copied());
            }
        }
        false
    };
    for p in &c.ix.snap.policies {
        let Some(r) = c.ix.rel.get(&p.table).filter(|r| r.rls_enabled) else { continue };
        let i = c.info(p);
        let cyclic: Vec<&Relation> = i
            .reads
            .iter()
            .filter_map(|o| c.ix.rel.get(o).copied())
            .filter(|x| x.rls_enabled && (x.oid == r.oid || reaches(x.oid, r.oid)))
            .collect();
        if cyclic.is_empty() {
            continue;
        }
        out.push(finding(
            "policy_recursion",
            Severity::Error,
            "policy",
            policy_qname(r, p),
            format!(
                "policy {} on {} reads {}, whose policies lead back to {}: every query on it as a role the policies apply to fails with \"infinite recursion detected in policy\" (42P17); read the other table through a SECURITY DEFINER function owned by a role that bypasses its policies, or restructure the check",
                p.qname,
                r.qname,
                cyclic.iter().map(|x| x.qname.as_str()).collect::<Vec<_>>().join(", "),
                r.qname
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}
