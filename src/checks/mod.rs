//! The checks: pure functions over a [`Snapshot`]. Each finds one kind of weakness and
//! returns one [`Finding`] per weak object. No PostgreSQL here: unit-tested with `cargo test`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::expr::{self, Scope, SettingState};
use crate::plan::sql;
use crate::snapshot::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a finding is about, for the planner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Relation(Oid),
    Role(Oid),
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub check_name: &'static str,
    pub severity: Severity,
    pub object_type: &'static str,
    pub object_name: String,
    pub detail: String,
    pub fix_sql: Option<String>,
    #[serde(skip)]
    pub target: Target,
}

/// Every check: name, severity, one line for the README and SARIF rules.
pub const CHECKS: &[(&str, &str, &str)] = &[
    ("rls_disabled", "error", "tenant table without ENABLE ROW LEVEL SECURITY: every role with table privileges sees every tenant"),
    ("rls_not_forced", "error", "tenant table without FORCE ROW LEVEL SECURITY: its owner bypasses the policies"),
    ("tenant_policy_missing", "error", "no permissive policy pins the tenant column to the tenant setting for every command"),
    ("policy_without_rls", "error", "policies exist but row-level security is off, so they are dormant"),
    ("permissive_policy_unscoped", "error", "a permissive policy not restricted to the tenant (e.g. USING (true)) is OR'd with the tenant policy, with no restrictive tenant floor"),
    ("policy_fail_open", "error", "a policy admits rows when the tenant setting is unset or empty (IS NULL OR ..., COALESCE tricks)"),
    ("write_check_missing", "error", "a write path is not checked by tenant (INSERT WITH CHECK (true), WITH CHECK weaker than USING)"),
    ("policy_setting_mismatch", "warning", "a policy reads a different setting than rls_fixer.tenant_setting"),
    ("policy_not_sargable", "warning", "the tenant column is wrapped in a cast or function, or the policy calls a volatile function: no index use"),
    ("policy_errors_without_tenant", "warning", "a policy raises an error instead of returning no rows when the tenant setting is unset or empty (e.g. ''::uuid)"),
    ("tenant_index_missing", "warning", "no index leads with the tenant column"),
    ("tenant_column_nullable", "warning", "the tenant column allows NULL: such rows belong to no tenant"),
    ("partition_unprotected", "error", "a partition of a tenant table lacks its own RLS, FORCE or tenant policy; querying it directly skips the parent's"),
    ("inheritance_child_unprotected", "error", "an inheritance child of a tenant table lacks its own RLS, FORCE or tenant policy"),
    ("view_bypasses_rls", "error", "a view over a tenant table runs with its owner's rights (no security_invoker)"),
    ("matview_exposes_tenant_data", "error", "a materialized view over a tenant table is readable by an app role: its stored rows have no RLS"),
    ("security_definer_function", "warning", "a SECURITY DEFINER function reading tenant tables is executable by an app role"),
    ("function_search_path_mutable", "warning", "a SECURITY DEFINER function without a pinned search_path can be hijacked"),
    ("role_superuser", "error", "an app role is superuser and bypasses every policy"),
    ("role_bypassrls", "error", "an app role has BYPASSRLS"),
    ("role_can_assume_bypass", "error", "an app role can SET ROLE into a superuser, BYPASSRLS or tenant-table-owner role"),
    ("role_owns_tenant_table", "error/warning", "an app role owns a tenant table (error without FORCE, warning with)"),
    ("unique_not_tenant_scoped", "warning", "a primary key or unique constraint on a tenant table without the tenant column: a cross-tenant existence oracle"),
    ("foreign_key_not_tenant_scoped", "warning", "a foreign key into a tenant table without the tenant column can point at another tenant's row"),
    ("server_version_vulnerable", "warning", "the server is below the minor release fixing the RLS CVEs (CVE-2023-2455, CVE-2024-10976, CVE-2025-8713)"),
    ("table_skipped", "info", "a table without the tenant column: not managed"),
];

/// A bad `rls_fixer.*` setting, reported with SQLSTATE 22023.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub guc: &'static str,
    pub message: String,
}

/// What one policy expression does, for one tenant column.
#[derive(Debug, Clone)]
struct ExprFacts {
    scope: Scope,
    settings: Vec<String>,
    /// only for expressions that do scope by tenant: an unscoped one is
    /// permissive_policy_unscoped / write_check_missing instead
    fail_open: Option<SettingState>,
    errors: Option<SettingState>,
}

impl ExprFacts {
    fn of(text: &str, column: &str, configured: &str) -> ExprFacts {
        let e = expr::parse(text);
        let scope = expr::tenant_scope(&e, column);
        let mut settings = Vec::new();
        expr::settings_read(&e, configured, &mut settings);
        let (fail_open, errors) = if scope.scoped { (expr::fails_open(&e), expr::errors_without_tenant(&e)) } else { (None, None) };
        ExprFacts { scope, settings, fail_open, errors }
    }
}

#[derive(Debug, Clone)]
pub struct PolicyInfo {
    /// USING, and WITH CHECK as PostgreSQL applies it (USING when absent, for ALL/UPDATE)
    pub using_scope: Scope,
    pub check_scope: Scope,
    pub fail_open: Option<SettingState>,
    pub errors: Option<SettingState>,
    pub settings: Vec<String>,
    pub applies_to_app: bool,
}

/// Everything the checks share: indexes, the resolved role sets, parsed policies.
pub struct Ctx<'a> {
    pub ix: Index<'a>,
    pub cfg: &'a Config,
    pub app_roles: Vec<Oid>,
    pub bypass_roles: HashSet<Oid>,
    pub policy: HashMap<(Oid, &'a str), PolicyInfo>,
}

fn resolve_roles(ix: &Index, names: &[String], guc: &'static str) -> Result<Vec<Oid>, ConfigError> {
    let mut out = Vec::new();
    let unknown: Vec<&str> = names.iter().filter(|n| !ix.role_by_name.contains_key(n.as_str())).map(|s| s.as_str()).collect();
    if !unknown.is_empty() {
        return Err(ConfigError { guc, message: format!("{guc} names unknown role(s): {}", unknown.join(", ")) });
    }
    for n in names {
        out.push(ix.role_by_name[n.as_str()].oid);
    }
    Ok(out)
}

impl<'a> Ctx<'a> {
    pub fn new(snap: &'a Snapshot, cfg: &'a Config) -> Result<Ctx<'a>, ConfigError> {
        let ix = Index::new(snap);
        let bypass_roles: HashSet<Oid> = resolve_roles(&ix, &cfg.bypass_roles, "rls_fixer.bypass_roles")?.into_iter().collect();
        let app_roles = match &cfg.app_roles {
            Some(names) => resolve_roles(&ix, names, "rls_fixer.app_roles")?,
            None => detect_app_roles(&ix, &bypass_roles),
        };
        let mut ctx = Ctx { ix, cfg, app_roles, bypass_roles, policy: HashMap::new() };
        let mut policy = HashMap::new();
        // thousands of tables usually share a handful of policy texts: analyse each once
        let mut cache: HashMap<(&str, &str), ExprFacts> = HashMap::new();
        for p in &snap.policies {
            let Some(rel) = ctx.ix.rel.get(&p.table) else { continue };
            let column = rel.tenant.as_ref().map(|t| t.name.as_str()).unwrap_or("");
            let check_text = match p.cmd {
                PolicyCmd::All | PolicyCmd::Update => p.check.as_deref().or(p.using.as_deref()),
                PolicyCmd::Insert => p.check.as_deref(),
                _ => None,
            };
            let mut facts = |text: &'a str| cache.entry((text, column)).or_insert_with(|| ExprFacts::of(text, column, &cfg.tenant_setting)).clone();
            let using = p.using.as_deref().map(&mut facts);
            // an INSERT policy without WITH CHECK admits any new row
            let check = if p.cmd.checks_writes() { Some(facts(check_text.unwrap_or("true"))) } else { None };
            let mut settings = Vec::new();
            for f in using.iter().chain(check.iter()) {
                for x in &f.settings {
                    if !settings.contains(x) {
                        settings.push(x.clone());
                    }
                }
            }
            let fail_open = using.iter().chain(check.iter()).find_map(|f| f.fail_open);
            let errors = using.iter().chain(check.iter()).find_map(|f| f.errors);
            let applies_to_app = p.roles.contains(&0) || p.roles.iter().any(|r| ctx.app_roles.iter().any(|a| ctx.ix.is_member(*a, *r)));
            policy.insert(
                (p.table, p.name.as_str()),
                PolicyInfo {
                    using_scope: using.map(|f| f.scope).unwrap_or_default(),
                    check_scope: check.map(|f| f.scope).unwrap_or_default(),
                    fail_open,
                    errors,
                    settings,
                    applies_to_app,
                },
            );
        }
        ctx.policy = policy;
        Ok(ctx)
    }

    fn info<'s>(&'s self, p: &'s Policy) -> &'s PolicyInfo {
        &self.policy[&(p.table, p.name.as_str())]
    }

    /// A policy that pins every command it covers to the tenant, and stays closed without one.
    fn is_tenant_policy(&self, p: &Policy) -> bool {
        let i = self.info(p);
        let using_ok = !p.cmd.has_using() || i.using_scope.scoped;
        let check_ok = !p.cmd.checks_writes() || i.check_scope.scoped;
        using_ok && check_ok && i.fail_open.is_none()
    }

    /// A RESTRICTIVE tenant policy for all commands: it neutralises any permissive policy.
    pub fn has_floor(&self, table: Oid) -> bool {
        self.ix.policies_of(table).iter().any(|p| !p.permissive && p.cmd == PolicyCmd::All && self.is_tenant_policy(p))
    }

    /// Commands not covered by a permissive tenant policy.
    pub fn uncovered_cmds(&self, table: Oid) -> Vec<PolicyCmd> {
        let mut covered = HashSet::new();
        for p in self.ix.policies_of(table) {
            if !p.permissive {
                continue;
            }
            let i = self.info(p);
            for c in p.cmd.covers() {
                // the policy scopes the command by tenant: through USING where it has one
                // (a weak WITH CHECK is write_check_missing), else through WITH CHECK
                let ok = if p.cmd.has_using() { i.using_scope.scoped } else { i.check_scope.scoped };
                let _ = c;
                // a fail-open tenant policy still scopes requests that set their tenant;
                // policy_fail_open reports it
                if ok {
                    covered.insert(*c);
                }
            }
        }
        PolicyCmd::All.covers().iter().copied().filter(|c| !covered.contains(c)).collect()
    }

    /// What a tenant table lacks for isolation: (rls off, not forced, commands without a tenant policy).
    pub fn gaps(&self, r: &Relation) -> (bool, bool, Vec<PolicyCmd>) {
        (!r.rls_enabled, !r.rls_forced, self.uncovered_cmds(r.oid))
    }

    /// Is this relation a partition or inheritance child of a tenant table?
    pub fn tenant_parent(&self, r: &Relation) -> Option<&'a Relation> {
        r.parent.and_then(|p| self.ix.rel.get(&p).copied()).filter(|p| p.is_tenant_table())
    }

    /// Tenant tables a view or materialized view reads, through other views.
    pub fn tenant_tables_read(&self, r: &Relation) -> Vec<&'a Relation> {
        let mut seen = HashSet::from([r.oid]);
        let mut stack: Vec<Oid> = r.reads.clone();
        let mut out = Vec::new();
        while let Some(o) = stack.pop() {
            if !seen.insert(o) {
                continue;
            }
            if let Some(x) = self.ix.rel.get(&o) {
                if x.is_tenant_table() {
                    out.push(*x);
                } else if matches!(x.kind, RelKind::View | RelKind::MatView) {
                    stack.extend(x.reads.iter().copied());
                }
            }
        }
        out.sort_by(|a, b| a.qname.cmp(&b.qname));
        out
    }

    /// App roles that can read a relation (ACL grantee, member of a grantee, or owner).
    pub fn app_readers(&self, r: &Relation) -> Vec<Oid> {
        self.app_roles
            .iter()
            .copied()
            .filter(|a| self.ix.is_member(*a, r.owner) || r.grantees.iter().any(|g| self.ix.is_member(*a, *g)))
            .collect()
    }
}

/// App roles when `rls_fixer.app_roles` is not set: LOGIN roles holding privileges on any
/// tenant table (directly, through membership, or as owner), except the bootstrap superuser
/// and `rls_fixer.bypass_roles`.
pub fn detect_app_roles(ix: &Index, bypass: &HashSet<Oid>) -> Vec<Oid> {
    let mut holders: HashSet<Oid> = HashSet::new();
    let mut public = false;
    for r in ix.snap.relations.iter().filter(|r| r.is_tenant_table()) {
        holders.insert(r.owner);
        for g in &r.grantees {
            if *g == 0 {
                public = true;
            } else {
                holders.insert(*g);
            }
        }
    }
    let mut out: Vec<Oid> = ix
        .snap
        .roles
        .iter()
        .filter(|r| r.login && r.oid != 10 && !bypass.contains(&r.oid))
        .filter(|r| public || ix.member_closure.get(&r.oid).is_some_and(|m| m.iter().any(|x| holders.contains(x))))
        .map(|r| r.oid)
        .collect();
    out.sort();
    out
}

fn cmds_text(c: &[PolicyCmd]) -> String {
    c.iter()
        .map(|c| match c {
            PolicyCmd::Select => "SELECT",
            PolicyCmd::Insert => "INSERT",
            PolicyCmd::Update => "UPDATE",
            PolicyCmd::Delete => "DELETE",
            PolicyCmd::All => "ALL",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn policy_qname(r: &Relation, p: &Policy) -> String {
    format!("{}.{}", r.qname, p.qname)
}

fn finding(check: &'static str, severity: Severity, object_type: &'static str, object_name: String, detail: String, fix_sql: Option<String>, target: Target) -> Finding {
    Finding { check_name: check, severity, object_type, object_name, detail, fix_sql, target }
}

// ---------------------------------------------------------------- table checks

fn table_type(r: &Relation) -> &'static str {
    if r.is_partition {
        "partition"
    } else {
        "table"
    }
}

pub fn check_rls_disabled(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && c.tenant_parent(r).is_none()) {
        if !r.rls_enabled {
            out.push(finding("rls_disabled", Severity::Error, "table", r.qname.clone(),
                format!("{} has a {} column but row-level security is off: every role with privileges on it reads and writes all tenants' rows", r.qname, r.tenant.as_ref().unwrap().qname),
                Some(sql::enable(&r.qname)), Target::Relation(r.oid)));
        }
    }
}

pub fn check_rls_not_forced(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && c.tenant_parent(r).is_none()) {
        if !r.rls_forced {
            out.push(finding("rls_not_forced", Severity::Error, "table", r.qname.clone(),
                format!("row-level security on {} is not FORCEd: its owner {} (and every member of that role) bypasses the policies", r.qname, c.ix.role_name(r.owner)),
                Some(sql::force(&r.qname)), Target::Relation(r.oid)));
        }
    }
}

pub fn check_tenant_policy_missing(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && c.tenant_parent(r).is_none()) {
        let missing = c.uncovered_cmds(r.oid);
        if !missing.is_empty() {
            let t = r.tenant.as_ref().unwrap();
            out.push(finding("tenant_policy_missing", Severity::Error, "table", r.qname.clone(),
                format!("no permissive policy on {} pins {} to current_setting('{}') for {}: with RLS on these commands see no rows, with RLS off they see all", r.qname, t.qname, c.cfg.tenant_setting, cmds_text(&missing)),
                Some(sql::isolation_policy(r, &c.ix, &c.cfg.tenant_setting)), Target::Relation(r.oid)));
        }
    }
}

pub fn check_policy_without_rls(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_table()) {
        let n = c.ix.policies_of(r.oid).len();
        if n > 0 && !r.rls_enabled {
            let fix = if r.is_tenant_table() { Some(format!("{}; {}", sql::enable(&r.qname), sql::force(&r.qname))) } else { Some(sql::enable(&r.qname)) };
            out.push(finding("policy_without_rls", Severity::Error, table_type(r), r.qname.clone(),
                format!("{} has {} polic{} but row-level security is off: the policies are dormant and every row is visible", r.qname, n, if n == 1 { "y" } else { "ies" }),
                fix, Target::Relation(r.oid)));
        }
    }
}

pub fn check_children_unprotected(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table()) {
        let Some(parent) = c.tenant_parent(r) else { continue };
        let (off, unforced, missing) = c.gaps(r);
        if !off && !unforced && missing.is_empty() {
            continue;
        }
        let mut lacks = Vec::new();
        let mut fix = Vec::new();
        if off {
            lacks.push("ENABLE ROW LEVEL SECURITY".to_string());
            fix.push(sql::enable(&r.qname));
        }
        if unforced {
            lacks.push("FORCE ROW LEVEL SECURITY".to_string());
            fix.push(sql::force(&r.qname));
        }
        if !missing.is_empty() {
            lacks.push(format!("a tenant policy for {}", cmds_text(&missing)));
            fix.push(sql::isolation_policy(r, &c.ix, &c.cfg.tenant_setting));
        }
        let (check, what) = if r.is_partition { ("partition_unprotected", "partition") } else { ("inheritance_child_unprotected", "inheritance child") };
        out.push(finding(check, Severity::Error, if r.is_partition { "partition" } else { "table" }, r.qname.clone(),
            format!("{} is a {} of {} and lacks {}: a query naming it directly skips the parent's policies and sees every tenant's rows in it", r.qname, what, parent.qname, lacks.join(", ")),
            Some(fix.join("; ")), Target::Relation(r.oid)));
    }
}

pub fn check_tenant_index_missing(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && c.tenant_parent(r).is_none()) {
        let t = r.tenant.as_ref().unwrap();
        if !t.indexed {
            let fix = if r.kind == RelKind::Partitioned {
                format!("CREATE INDEX ON {} ({})", r.qname, t.qname)
            } else {
                format!("CREATE INDEX CONCURRENTLY ON {} ({})", r.qname, t.qname)
            };
            out.push(finding("tenant_index_missing", Severity::Warning, "table", r.qname.clone(),
                format!("no index on {} leads with {}: every tenant-scoped query scans all tenants' rows", r.qname, t.qname),
                Some(fix), Target::Relation(r.oid)));
        }
    }
}

pub fn check_tenant_column_nullable(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && c.tenant_parent(r).is_none()) {
        let t = r.tenant.as_ref().unwrap();
        if !t.not_null {
            out.push(finding("tenant_column_nullable", Severity::Warning, "table", r.qname.clone(),
                format!("{}.{} allows NULL: such rows belong to no tenant, and a policy comparing with NULL hides them from everyone but owners", r.qname, t.qname),
                Some(format!("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", r.qname, t.qname)), Target::Relation(r.oid)));
        }
    }
}

pub fn check_table_skipped(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_table() && r.tenant.is_none() && !r.is_partition) {
        out.push(finding("table_skipped", Severity::Info, "table", r.qname.clone(),
            format!("{} has no {} column: not a tenant table, not managed by rls_fixer", r.qname, sql::ident(&c.cfg.tenant_column)),
            None, Target::Relation(r.oid)));
    }
}

// ---------------------------------------------------------------- policy checks

fn tenant_policies<'a>(c: &'a Ctx) -> impl Iterator<Item = (&'a Relation, &'a Policy)> + 'a {
    c.ix.snap.policies.iter().filter_map(move |p| c.ix.rel.get(&p.table).filter(|r| r.is_tenant_table()).map(|r| (*r, p)))
}

pub fn check_permissive_policy_unscoped(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, p) in tenant_policies(c) {
        let i = c.info(p);
        if !p.permissive || !p.cmd.has_using() || i.using_scope.scoped || !i.applies_to_app || c.has_floor(r.oid) {
            continue;
        }
        let using = p.using.as_deref().unwrap_or("true");
        out.push(finding("permissive_policy_unscoped", Severity::Error, "policy", policy_qname(r, p),
            format!("permissive policy {} on {} has USING ({}), which does not pin {} to the tenant; permissive policies are OR'd, so every row it admits is visible to every tenant", p.qname, r.qname, using, r.tenant.as_ref().unwrap().qname),
            Some(sql::floor_policy(r, &c.ix, &c.cfg.tenant_setting)), Target::Relation(r.oid)));
    }
}

pub fn check_policy_fail_open(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, p) in tenant_policies(c) {
        let i = c.info(p);
        let Some(st) = i.fail_open else { continue };
        if !(i.using_scope.scoped || i.check_scope.scoped) || (p.permissive && c.has_floor(r.oid)) {
            continue;
        }
        let when = match st {
            SettingState::Unset => "unset",
            SettingState::Cleared => "cleared to ''",
        };
        let text = p.using.as_deref().or(p.check.as_deref()).unwrap_or("");
        out.push(finding("policy_fail_open", Severity::Error, "policy", policy_qname(r, p),
            format!("policy {} on {} admits rows when the tenant setting is {}: {}; a request that forgets its tenant sees other tenants' rows", p.qname, r.qname, when, text),
            Some(sql::floor_policy(r, &c.ix, &c.cfg.tenant_setting)), Target::Relation(r.oid)));
    }
}

pub fn check_write_check_missing(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, p) in tenant_policies(c) {
        let i = c.info(p);
        if !p.permissive || !p.cmd.checks_writes() || i.check_scope.scoped || !i.applies_to_app || c.has_floor(r.oid) {
            continue;
        }
        // an unscoped USING is reported (and fixed) by permissive_policy_unscoped already
        if p.cmd.has_using() && !i.using_scope.scoped {
            continue;
        }
        let what = match (&p.check, p.cmd) {
            (None, PolicyCmd::Insert) => "has no WITH CHECK".to_string(),
            (Some(ch), _) => format!("checks new rows WITH CHECK ({ch}), weaker than its USING"),
            (None, _) => "does not check new rows".to_string(),
        };
        out.push(finding("write_check_missing", Severity::Error, "policy", policy_qname(r, p),
            format!("policy {} on {} {}: a tenant can write rows carrying another tenant's {}", p.qname, r.qname, what, r.tenant.as_ref().unwrap().qname),
            Some(sql::floor_policy(r, &c.ix, &c.cfg.tenant_setting)), Target::Relation(r.oid)));
    }
}

pub fn check_policy_setting_mismatch(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, p) in tenant_policies(c) {
        let i = c.info(p);
        let other: Vec<&String> = i.settings.iter().filter(|s| **s != c.cfg.tenant_setting).collect();
        if other.is_empty() {
            continue;
        }
        out.push(finding("policy_setting_mismatch", Severity::Warning, "policy", policy_qname(r, p),
            format!("policy {} on {} reads {} but set_tenant_context() sets '{}' (rls_fixer.tenant_setting): requests see nothing, or whatever that other setting holds", p.qname, r.qname,
                other.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", "), c.cfg.tenant_setting),
            None, Target::Relation(r.oid)));
    }
}

pub fn check_policy_not_sargable(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, p) in tenant_policies(c) {
        let i = c.info(p);
        let wrapped = i.using_scope.scoped && !i.using_scope.sargable;
        if !wrapped && p.volatile_funcs.is_empty() {
            continue;
        }
        let mut why = Vec::new();
        if wrapped {
            why.push(format!("{} is wrapped in a cast or function", r.tenant.as_ref().unwrap().qname));
        }
        if !p.volatile_funcs.is_empty() {
            why.push(format!("it calls volatile function(s) {}, evaluated per row", p.volatile_funcs.join(", ")));
        }
        out.push(finding("policy_not_sargable", Severity::Warning, "policy", policy_qname(r, p),
            format!("policy {} on {}: {}; an index on the tenant column cannot be used", p.qname, r.qname, why.join("; ")),
            None, Target::Relation(r.oid)));
    }
}

pub fn check_policy_errors_without_tenant(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, p) in tenant_policies(c) {
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

// ---------------------------------------------------------------- views, functions

pub fn check_view_bypasses_rls(c: &Ctx, out: &mut Vec<Finding>) {
    for v in c.ix.snap.relations.iter().filter(|r| r.kind == RelKind::View && !r.security_invoker) {
        let tables = c.tenant_tables_read(v);
        if tables.is_empty() {
            continue;
        }
        let names: Vec<&str> = tables.iter().map(|t| t.qname.as_str()).collect();
        let fix = if c.ix.snap.server_version_num >= 150000 { Some(sql::security_invoker(&v.qname)) } else { None };
        out.push(finding("view_bypasses_rls", Severity::Error, "view", v.qname.clone(),
            format!("view {} reads tenant table(s) {} with the rights of its owner {}, not of the querying role: RLS is checked against the owner (who usually bypasses it)", v.qname, names.join(", "), c.ix.role_name(v.owner)),
            fix, Target::Relation(v.oid)));
    }
}

pub fn check_matview_exposes(c: &Ctx, out: &mut Vec<Finding>) {
    for m in c.ix.snap.relations.iter().filter(|r| r.kind == RelKind::MatView) {
        let tables = c.tenant_tables_read(m);
        let readers = c.app_readers(m);
        if tables.is_empty() || readers.is_empty() {
            continue;
        }
        let names: Vec<&str> = tables.iter().map(|t| t.qname.as_str()).collect();
        let roles: Vec<String> = readers.iter().map(|r| c.ix.role_name(*r)).collect();
        let grantees: Vec<String> = m.grantees.iter().filter(|g| readers.iter().any(|a| c.ix.is_member(*a, **g))).map(|g| if *g == 0 { "PUBLIC".to_string() } else { c.ix.role_name(*g) }).collect();
        let fix = if grantees.is_empty() { None } else { Some(format!("REVOKE SELECT ON {} FROM {}", m.qname, grantees.join(", "))) };
        out.push(finding("matview_exposes_tenant_data", Severity::Error, "materialized view", m.qname.clone(),
            format!("materialized view {} stores rows of {} without row-level security, and app role(s) {} can read all of them", m.qname, names.join(", "), roles.join(", ")),
            fix, Target::Relation(m.oid)));
    }
}

pub fn check_security_definer(c: &Ctx, out: &mut Vec<Finding>) {
    for f in c.ix.snap.functions.iter().filter(|f| f.security_definer) {
        let reads: Vec<&str> = f.reads.iter().filter_map(|o| c.ix.rel.get(o)).filter(|r| r.is_tenant_table()).map(|r| r.qname.as_str()).collect();
        let runners: Vec<String> = c.app_roles.iter().filter(|a| f.executors.iter().any(|e| c.ix.is_member(**a, *e)) || c.ix.is_member(**a, f.owner)).map(|a| c.ix.role_name(*a)).collect();
        if !reads.is_empty() && !runners.is_empty() {
            out.push(finding("security_definer_function", Severity::Warning, "function", f.signature.clone(),
                format!("SECURITY DEFINER function {} reads tenant table(s) {} as its owner {}, and app role(s) {} can execute it: its queries are not filtered for the caller's tenant unless it filters itself", f.signature, reads.join(", "), c.ix.role_name(f.owner), runners.join(", ")),
                None, Target::Other));
        }
    }
}

pub fn check_function_search_path(c: &Ctx, out: &mut Vec<Finding>) {
    for f in c.ix.snap.functions.iter().filter(|f| f.security_definer && !f.search_path_pinned) {
        out.push(finding("function_search_path_mutable", Severity::Warning, "function", f.signature.clone(),
            format!("SECURITY DEFINER function {} has no pinned search_path: a caller can create objects that shadow the ones it uses and run code as {}", f.signature, c.ix.role_name(f.owner)),
            Some(format!("ALTER FUNCTION {} SET search_path = pg_catalog, pg_temp", f.signature)), Target::Other));
    }
}

// ---------------------------------------------------------------- roles

pub fn check_roles(c: &Ctx, out: &mut Vec<Finding>) {
    let tenant_owners: HashSet<Oid> = c.ix.snap.relations.iter().filter(|r| r.is_tenant_table()).map(|r| r.owner).collect();
    for a in &c.app_roles {
        let Some(role) = c.ix.role.get(a) else { continue };
        if role.superuser {
            out.push(finding("role_superuser", Severity::Error, "role", role.qname.clone(),
                format!("app role {} is a superuser: superusers bypass row-level security even when it is FORCEd; give the application an ordinary role", role.qname),
                None, Target::Role(role.oid)));
        } else if role.bypassrls {
            out.push(finding("role_bypassrls", Severity::Error, "role", role.qname.clone(),
                format!("app role {} has BYPASSRLS: no policy applies to it, it sees every tenant's rows", role.qname),
                Some(sql::nobypassrls(&role.qname)), Target::Role(role.oid)));
        }
        // roles it can SET ROLE into (every role it is a member of, in PostgreSQL 15)
        let mut targets: Vec<(String, &str)> = Vec::new();
        if let Some(closure) = c.ix.member_closure.get(a) {
            for m in closure.iter().filter(|m| **m != *a) {
                let Some(t) = c.ix.role.get(m) else { continue };
                let why = if t.superuser {
                    "superuser"
                } else if t.bypassrls {
                    "BYPASSRLS"
                } else if tenant_owners.contains(m) {
                    "owner of tenant tables"
                } else {
                    continue;
                };
                targets.push((t.qname.clone(), why));
            }
        }
        if !targets.is_empty() {
            targets.sort();
            let direct: Vec<String> = role.member_of.iter().map(|m| c.ix.role_name(*m)).collect();
            out.push(finding("role_can_assume_bypass", Severity::Error, "role", role.qname.clone(),
                format!("app role {} can SET ROLE into {}: one statement and it bypasses row-level security", role.qname,
                    targets.iter().map(|(n, w)| format!("{n} ({w})")).collect::<Vec<_>>().join(", ")),
                Some(format!("REVOKE {} FROM {}", direct.join(", "), role.qname)), Target::Role(role.oid)));
        }
    }
    // ownership
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table()) {
        if c.app_roles.contains(&r.owner) {
            let (sev, how) = if r.rls_forced {
                (Severity::Warning, "RLS is FORCEd, so policies apply to it, but as owner it can still ALTER TABLE ... NO FORCE / DISABLE ROW LEVEL SECURITY or drop the policies")
            } else {
                (Severity::Error, "without FORCE ROW LEVEL SECURITY the owner bypasses every policy")
            };
            out.push(finding("role_owns_tenant_table", sev, table_type(r), r.qname.clone(),
                format!("app role {} owns {}: {}; let a migration role own tenant tables", c.ix.role_name(r.owner), r.qname, how),
                None, Target::Relation(r.oid)));
        }
    }
}

// ---------------------------------------------------------------- constraints

pub fn check_constraints(c: &Ctx, out: &mut Vec<Finding>) {
    for k in &c.ix.snap.constraints {
        match k.kind {
            ConstraintKind::Primary | ConstraintKind::Unique => {
                let Some(r) = c.ix.rel.get(&k.table) else { continue };
                let Some(t) = r.tenant.as_ref().filter(|_| r.is_table() && c.tenant_parent(r).is_none()) else { continue };
                if !k.columns.contains(&t.attnum) {
                    out.push(finding("unique_not_tenant_scoped", Severity::Warning, "constraint", k.qname.clone(),
                        format!("{} {} on {} does not include {}: inserting a value another tenant already uses fails, which tells a tenant that the value exists elsewhere", if k.kind == ConstraintKind::Primary { "primary key" } else { "unique constraint" }, sql::ident(&k.name), r.qname, t.qname),
                        None, Target::Relation(r.oid)));
                }
            }
            ConstraintKind::Foreign => {
                let Some(target) = k.ref_table.and_then(|o| c.ix.rel.get(&o)) else { continue };
                let Some(t) = target.tenant.as_ref().filter(|_| target.is_table()) else { continue };
                let Some(r) = c.ix.rel.get(&k.table) else { continue };
                if !k.ref_columns.contains(&t.attnum) {
                    out.push(finding("foreign_key_not_tenant_scoped", Severity::Warning, "constraint", k.qname.clone(),
                        format!("foreign key {} on {} references {} without {}: a row can point at another tenant's row, and the FK check (which bypasses RLS) reveals that it exists", sql::ident(&k.name), r.qname, target.qname, t.qname),
                        None, Target::Relation(r.oid)));
                }
            }
        }
    }
}

// ---------------------------------------------------------------- server

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

pub fn check_server_version(c: &Ctx, out: &mut Vec<Finding>) {
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

/// Run every check; findings ordered errors first, then by object.
pub fn audit(snap: &Snapshot, cfg: &Config) -> Result<Vec<Finding>, ConfigError> {
    let c = Ctx::new(snap, cfg)?;
    Ok(run_all(&c))
}

pub fn run_all(c: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let checks: &[fn(&Ctx, &mut Vec<Finding>)] = &[
        check_rls_disabled,
        check_rls_not_forced,
        check_tenant_policy_missing,
        check_policy_without_rls,
        check_permissive_policy_unscoped,
        check_policy_fail_open,
        check_write_check_missing,
        check_policy_setting_mismatch,
        check_policy_not_sargable,
        check_policy_errors_without_tenant,
        check_tenant_index_missing,
        check_tenant_column_nullable,
        check_children_unprotected,
        check_view_bypasses_rls,
        check_matview_exposes,
        check_security_definer,
        check_function_search_path,
        check_roles,
        check_constraints,
        check_server_version,
        check_table_skipped,
    ];
    for f in checks {
        f(c, &mut out);
    }
    sort_findings(&mut out);
    out
}

pub fn sort_findings(v: &mut [Finding]) {
    v.sort_by(|a, b| (a.severity, &a.object_name, a.check_name).cmp(&(b.severity, &b.object_name, b.check_name)));
}
