//! Checks for databases with Citus (the snapshot's `citus` facts; nothing fires without them).
//! Measured on a 3-node Citus 13.2 cluster (tests/citus/research): row-level security is
//! enforced by each shard's own policies on the node that stores it, from the tenant setting
//! that node's backend sees; only a `SET LOCAL` inside a transaction block, with
//! `citus.propagate_set_commands = local`, reaches the workers.

use super::context::{expr_text, policy_qname, Part};
use super::{finding, Ctx, Finding, Severity, Target};
use crate::analysis::{CONFIGURED_SETTING, PROTECTED_TENANT};
use crate::config::ContextMode;
use crate::ddl;
use crate::snapshot::*;

/// Is `r` a table Citus manages (distributed, reference, or Citus local)?
pub fn managed(c: &Ctx, r: &Relation) -> bool {
    c.ix.snap.citus.as_ref().is_some_and(|ci| ci.table(r.oid).is_some())
}

fn citus_table<'a>(c: &Ctx<'a>, r: &Relation) -> Option<&'a CitusTable> {
    c.ix.snap.citus.as_ref().and_then(|ci| ci.table(r.oid))
}

/// A tenant table hash-distributed on another column: every tenant's rows are spread over
/// every shard.
pub fn citus_distributed_by_other_column(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t) in c.tenant_tables() {
        let Some(ct) = citus_table(c, r) else { continue };
        let Some(col) = ct.column.as_deref().filter(|col| ct.kind == CitusKind::Distributed && *col != t.name) else {
            continue;
        };
        out.push(finding(
            "citus_distributed_by_other_column",
            Severity::Warning,
            "table",
            r.qname.clone(),
            format!(
                "{} is distributed by {} (not by the tenant column {}): every tenant's rows are spread over all {} shards and share them with other tenants, so isolation rests on the policy of every shard on every node, each tenant query runs on every shard (no single-shard router plan, no tenant isolation with isolate_tenant_to_new_shard), and it cannot be co-located with the tables distributed by tenant",
                r.qname,
                ddl::ident(col),
                t.qname,
                ct.shards
            ),
            Some(format!(
                "SELECT alter_distributed_table({}, distribution_column := {})",
                ddl::literal(&r.qname),
                ddl::literal(&t.name)
            )),
            Target::Relation(r.oid),
        ));
    }
}

/// A reference table with the tenant column: a full copy of every tenant's rows on every node.
pub fn citus_reference_tenant_table(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t) in c.tenant_tables() {
        if citus_table(c, r).map(|ct| ct.kind) != Some(CitusKind::Reference) {
            continue;
        }
        out.push(finding(
            "citus_reference_tenant_table",
            Severity::Warning,
            "table",
            r.qname.clone(),
            format!(
                "{} is a Citus reference table with the tenant column {}: every node holds every tenant's rows, and joins with distributed tables read them on every worker; isolation rests on the policy of each node's copy. Per-tenant data belongs in a table distributed by {}",
                r.qname, t.qname, t.qname
            ),
            Some(format!(
                "SELECT undistribute_table({0}); SELECT create_distributed_table({0}, {1})",
                ddl::literal(&r.qname),
                ddl::literal(&t.name)
            )),
            Target::Relation(r.oid),
        ));
    }
}

/// Shards whose row-level security differs from their shell table: on each node, the number of
/// shards with RLS enabled and forced, the policy names they carry, and whether a policy differs
/// between them (from `citus_shards.sql`, run on every node).
pub fn citus_shard_rls_mismatch(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(nodes) = c.ix.snap.citus.as_ref().and_then(|ci| ci.nodes.as_ref()) else { return };
    let by_name: std::collections::HashMap<(&str, &str), &Relation> =
        c.ix.snap
            .relations
            .iter()
            .filter(|r| r.is_table() && managed(c, r))
            .map(|r| ((r.schema.as_str(), r.name.as_str()), r))
            .collect();
    for n in nodes {
        let groups = match &n.result {
            Ok(g) => g,
            Err(e) => {
                out.push(finding(
                    "citus_shard_rls_mismatch",
                    Severity::Warning,
                    "node",
                    n.node.clone(),
                    format!(
                        "could not read the shards on node {}: {}; their row-level security is unchecked",
                        n.node,
                        e.trim()
                    ),
                    None,
                    Target::Other,
                ));
                continue;
            }
        };
        for g in groups {
            let Some(r) = by_name.get(&(g.schema.as_str(), g.name.as_str())) else { continue };
            let mut expected: Vec<&str> = c.ix.policies_of(r.oid).iter().map(|p| p.name.as_str()).collect();
            expected.sort();
            let expected = expected.join(",");
            let mut what = Vec::new();
            let mut fixes = Vec::new();
            let want_rls = if r.rls_enabled { g.shards } else { 0 };
            if g.rls != want_rls {
                let wrong = (g.rls - want_rls).abs();
                what.push(format!(
                    "{wrong} of {} shard(s) have row-level security {} (the table has it {})",
                    g.shards,
                    if r.rls_enabled { "disabled" } else { "enabled" },
                    if r.rls_enabled { "enabled" } else { "disabled" }
                ));
                fixes.push(if r.rls_enabled { ddl::enable(&r.qname) } else { ddl::disable(&r.qname) });
            }
            let want_forced = if r.rls_forced { g.shards } else { 0 };
            if g.forced != want_forced {
                let wrong = (g.forced - want_forced).abs();
                what.push(format!(
                    "{wrong} of {} shard(s) {} FORCE ROW LEVEL SECURITY (the table {})",
                    g.shards,
                    if r.rls_forced { "lack" } else { "have" },
                    if r.rls_forced { "has it" } else { "does not" }
                ));
                fixes.push(if r.rls_forced { ddl::force(&r.qname) } else { ddl::no_force(&r.qname) });
            }
            for (names, k) in g.policy_sets.iter().filter(|(names, _)| *names != expected) {
                let show = |s: &str| if s.is_empty() { "none".to_string() } else { s.replace(',', ", ") };
                what.push(format!(
                    "{k} shard(s) carry policies [{}] where the table has [{}]",
                    show(names),
                    show(&expected)
                ));
            }
            if !g.diverging.is_empty() {
                what.push(format!("policies {} differ between the shards", g.diverging.join(", ")));
            }
            if what.is_empty() {
                continue;
            }
            out.push(finding(
                "citus_shard_rls_mismatch",
                Severity::Error,
                "table",
                r.qname.clone(),
                format!(
                    "on node {}: {}. Each shard enforces its own row-level security, so queries routed there do not get the table's; re-run the table's ALTER TABLE … ROW LEVEL SECURITY, and DROP POLICY IF EXISTS / CREATE POLICY on the table, so Citus applies them to every shard again (shard DDL run by hand, e.g. through run_command_on_shards, causes this)",
                    n.node,
                    what.join("; ")
                ),
                (!fixes.is_empty()).then(|| fixes.join("; ")),
                Target::Relation(r.oid),
            ));
        }
    }
}

/// A tenant context that will not reach the workers: policies of Citus tables that read the
/// protected tenant (never set on the workers: the app sees no rows there), and app roles
/// whose own `SET LOCAL` of the tenant setting Citus does not propagate.
pub fn citus_context_unreachable(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(ci) = c.ix.snap.citus.as_ref() else { return };
    let mut setting_tables = 0usize;
    for (r, _, p) in c.tenant_policies() {
        if ci.table(r.oid).is_none() {
            continue;
        }
        let i = c.info(p);
        if !i.applies_to_app || !(i.using_scope.scoped || i.check_scope.scoped) {
            continue;
        }
        let protected = |s: &String| {
            s == PROTECTED_TENANT || (s == CONFIGURED_SETTING && c.cfg.context_mode == ContextMode::Protected)
        };
        let reads_protected = i.settings.iter().any(protected);
        if !reads_protected {
            setting_tables += 1;
            continue;
        }
        // generated ones are generated_policy_outdated's (rls_fix rebuilds them in the Citus form)
        if p.name.starts_with(ddl::ISOLATION) || p.name.starts_with(ddl::FLOOR) {
            continue;
        }
        let form = ddl::Form::Bare(c.cfg.tenant_setting.clone());
        let fix = r.tenant.as_ref().map(|t| {
            let pred = ddl::predicate(t, &form);
            let using = if p.cmd.has_using() { format!(" USING ({pred})") } else { String::new() };
            let check = if p.cmd.checks_writes() { format!(" WITH CHECK ({pred})") } else { String::new() };
            format!("ALTER POLICY {} ON {}{using}{check}", p.qname, r.qname)
        });
        out.push(finding(
            "citus_context_unreachable",
            Severity::Error,
            "policy",
            policy_qname(r, p),
            format!(
                "policy {} on the Citus table {} reads the protected tenant ({}): the workers that evaluate it for the shards never receive it, so the application sees no rows and cannot write there; compare with NULLIF(current_setting('{}', true), ''), which set_tenant_context(id, true) propagates to the workers",
                p.qname,
                r.qname,
                expr_text(p, Part::Using),
                c.cfg.tenant_setting
            ),
            fix,
            Target::Relation(r.oid),
        ));
    }
    if setting_tables == 0 {
        return;
    }
    let roles: Vec<Oid> = c.app_roles.iter().copied().filter(|a| ci.propagate_for(*a) != "local").collect();
    if roles.is_empty() {
        return;
    }
    let names: Vec<String> = roles.iter().map(|r| c.ix.role_name(*r)).collect();
    out.push(finding(
        "citus_context_unreachable",
        Severity::Warning,
        "setting",
        "citus.propagate_set_commands".into(),
        format!(
            "app role(s) {} run with citus.propagate_set_commands = {}: a SET LOCAL {} the application runs itself (or a session-level SET, or set_config()) never reaches the workers, which then see no tenant (no rows, writes refused). set_tenant_context(id, true) reaches them in any case (it propagates its own SET LOCAL); with 'local' for the role, the application's own SET LOCAL inside a transaction does too",
            names.join(", "),
            ci.propagate_for(roles[0]),
            c.cfg.tenant_setting
        ),
        Some(names.iter().map(|n| format!("ALTER ROLE {n} SET citus.propagate_set_commands = 'local'")).collect::<Vec<_>>().join("; ")),
        Target::Other,
    ));
}
