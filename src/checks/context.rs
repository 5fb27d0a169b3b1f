//! What the checks share: indexes over the snapshot, the resolved role sets, and every policy
//! analysed once.

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};

use super::Finding;
use crate::analysis::{self, Expr, Scope, SettingState};
use crate::error::ConfigError;
use crate::snapshot::*;

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
    /// `not_null`: the tenant column is NOT NULL (it never compares as NULL).
    fn of(e: &Expr, column: i16, not_null: bool, configured: &str) -> ExprFacts {
        let mut scope = analysis::tenant_scope(e, column);
        // pinned to another setting only: set_tenant_context() does not set it, so for the
        // configured tenant the policy pins nothing (and whatever sets that setting widens it)
        if scope.scoped
            && !scope
                .settings
                .iter()
                .any(|s| s == configured || s == analysis::CONFIGURED_SETTING || s == analysis::PROTECTED_TENANT)
        {
            scope.scoped = false;
        }
        let mut settings = Vec::new();
        analysis::settings_read(e, configured, &mut settings);
        let nn: &[i16] = if not_null { &[column] } else { &[] };
        let (fail_open, errors) = if scope.scoped {
            (analysis::fails_open_with(e, nn), analysis::errors_without_tenant_with(e, nn))
        } else {
            (None, None)
        };
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
    /// volatile functions it calls, evaluated per row
    pub volatile_funcs: Vec<String>,
    /// every function it calls and every relation its subqueries read (subqueries included)
    pub calls: Vec<Oid>,
    pub reads: Vec<Oid>,
}

/// Everything the checks share: indexes, the resolved role sets, parsed policies.
pub struct Ctx<'a> {
    pub ix: Index<'a>,
    pub cfg: &'a Config,
    pub app_roles: Vec<Oid>,
    pub bypass_roles: HashSet<Oid>,
    /// one per policy of the snapshot, in the same order
    pub policy: Vec<PolicyInfo>,
}

fn resolve_roles(ix: &Index, names: &[String], guc: &'static str) -> Result<Vec<Oid>, ConfigError> {
    let mut out = Vec::new();
    let unknown: Vec<&str> =
        names.iter().filter(|n| !ix.role_by_name.contains_key(n.as_str())).map(|s| s.as_str()).collect();
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
        let bypass_roles: HashSet<Oid> =
            resolve_roles(&ix, &cfg.bypass_roles, "rls_fixer.bypass_roles")?.into_iter().collect();
        let app_roles = match &cfg.app_roles {
            Some(names) => resolve_roles(&ix, names, "rls_fixer.app_roles")?,
            None => detect_app_roles(&ix, &bypass_roles),
        };
        let mut ctx = Ctx { ix, cfg, app_roles, bypass_roles, policy: Vec::new() };
        let mut policy = Vec::with_capacity(snap.policies.len());
        // thousands of tables usually share a handful of policy shapes: read each node-tree
        // text once, analyse each expression once per tenant column position
        let mut lowered_at: FxHashMap<&str, usize> = FxHashMap::default();
        let mut lowered: Vec<analysis::Lowered> = Vec::new();
        let mut cache: FxHashMap<(usize, i16, bool), ExprFacts> = FxHashMap::default();
        // SQL functions an app role could replace (it is, or is a member of, their owner) are
        // not inlined: what their body says now is not what a tenant will run
        let untrusted: FxHashSet<Oid> = snap
            .catalog
            .inline
            .iter()
            .filter(|(_, f)| ctx.app_roles.iter().any(|a| ctx.ix.is_member(*a, f.owner)))
            .map(|(o, _)| *o)
            .collect();
        const ALWAYS: usize = usize::MAX;
        let always = Expr::Bool(true);
        for p in &snap.policies {
            let tenant = ctx.ix.rel.get(&p.table).and_then(|r| r.tenant.as_ref());
            let column = tenant.map(|t| t.attnum).unwrap_or(0);
            let not_null = tenant.is_some_and(|t| t.not_null);
            let mut read = |tree: &'a str| {
                *lowered_at.entry(tree).or_insert_with(|| {
                    lowered.push(analysis::lower_with(tree, &snap.catalog, &untrusted));
                    lowered.len() - 1
                })
            };
            let using_i = p.using.as_deref().map(&mut read);
            let check_i = p.check.as_deref().map(&mut read);
            let mut volatile_funcs: Vec<String> =
                using_i.iter().chain(check_i.iter()).flat_map(|i| lowered[*i].volatile.iter().cloned()).collect();
            volatile_funcs.sort();
            volatile_funcs.dedup();
            let mut calls: Vec<Oid> = Vec::new();
            let mut reads: Vec<Oid> = Vec::new();
            for i in using_i.iter().chain(check_i.iter()) {
                for o in &lowered[*i].calls {
                    if !calls.contains(o) {
                        calls.push(*o);
                    }
                }
                for o in &lowered[*i].reads {
                    if !reads.contains(o) {
                        reads.push(*o);
                    }
                }
            }
            // WITH CHECK as PostgreSQL applies it: USING when absent (ALL/UPDATE); an INSERT
            // policy without WITH CHECK admits any new row
            let check_applied = match p.cmd {
                PolicyCmd::All | PolicyCmd::Update => check_i.or(using_i),
                PolicyCmd::Insert => check_i,
                _ => None,
            };
            let mut facts = |i: usize| {
                cache
                    .entry((i, column, not_null))
                    .or_insert_with(|| {
                        let e = if i == ALWAYS { &always } else { lowered[i].expr.as_ref().unwrap_or(&always) };
                        ExprFacts::of(e, column, not_null, &cfg.tenant_setting)
                    })
                    .clone()
            };
            let using = using_i.map(&mut facts);
            let check = if p.cmd.checks_writes() { Some(facts(check_applied.unwrap_or(ALWAYS))) } else { None };
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
            let applies_to_app =
                p.roles.contains(&0) || p.roles.iter().any(|r| ctx.app_roles.iter().any(|a| ctx.ix.is_member(*a, *r)));
            policy.push(PolicyInfo {
                using_scope: using.map(|f| f.scope).unwrap_or_default(),
                check_scope: check.map(|f| f.scope).unwrap_or_default(),
                fail_open,
                errors,
                settings,
                applies_to_app,
                volatile_funcs,
                calls,
                reads,
            });
        }
        ctx.policy = policy;
        Ok(ctx)
    }

    /// The analysis of a policy of the snapshot (by its position in `snap.policies`).
    pub fn info<'s>(&'s self, p: &'s Policy) -> &'s PolicyInfo {
        let base = self.ix.snap.policies.as_ptr() as usize;
        let at = (p as *const Policy as usize).wrapping_sub(base) / std::mem::size_of::<Policy>();
        assert!(at < self.policy.len() && std::ptr::eq(&self.ix.snap.policies[at], p), "policy not from this snapshot");
        &self.policy[at]
    }

    /// A policy that pins every command it covers to the tenant, and stays closed without one.
    pub fn is_tenant_policy(&self, p: &Policy) -> bool {
        let i = self.info(p);
        let using_ok = !p.cmd.has_using() || i.using_scope.scoped;
        let check_ok = !p.cmd.checks_writes() || i.check_scope.scoped;
        using_ok && check_ok && i.fail_open.is_none()
    }

    /// For each of these commands, a RESTRICTIVE tenant policy covering it (`FOR ALL` or that
    /// command) applies to every app role: it neutralises any permissive policy for them on
    /// those commands. (A floor `TO` some other role protects nothing for the app; a `FOR
    /// SELECT` floor does not cover UPDATE, whose `UPDATE … SET` without a WHERE never applies
    /// SELECT policies.)
    pub fn has_floor_for(&self, table: Oid, cmds: &[PolicyCmd]) -> bool {
        let floors: Vec<&Policy> = self
            .ix
            .policies_of(table)
            .iter()
            .copied()
            .filter(|p| !p.permissive && self.applies_to_all_app(p) && self.is_tenant_policy(p))
            .collect();
        cmds.iter().all(|c| floors.iter().any(|p| p.cmd.covers().contains(c)))
    }

    /// A floor covering every command this policy covers.
    pub fn floored(&self, table: Oid, p: &Policy) -> bool {
        self.has_floor_for(table, p.cmd.covers())
    }

    /// Do the table's policies pin the tenant of every row an app role writes (INSERT and
    /// UPDATE's new rows)? A floor covering the command, or permissive policies for it that
    /// all pin the tenant in WITH CHECK and stay closed without one (and at least one).
    pub fn writes_pinned(&self, table: Oid) -> bool {
        [PolicyCmd::Insert, PolicyCmd::Update].iter().all(|cmd| {
            if self.has_floor_for(table, &[*cmd]) {
                return true;
            }
            let perms: Vec<&Policy> = self
                .ix
                .policies_of(table)
                .iter()
                .copied()
                .filter(|p| p.permissive && p.cmd.covers().contains(cmd) && self.info(p).applies_to_app)
                .collect();
            !perms.is_empty()
                && perms.iter().all(|p| {
                    let i = self.info(p);
                    i.check_scope.scoped && i.fail_open.is_none()
                })
        })
    }

    /// Does the policy apply to every app role (PUBLIC, or a role each of them is a member of)?
    pub fn applies_to_all_app(&self, p: &Policy) -> bool {
        p.roles.contains(&0) || self.app_roles.iter().all(|a| p.roles.iter().any(|r| self.ix.is_member(*a, *r)))
    }

    /// Commands not covered by a permissive tenant policy.
    pub fn uncovered_cmds(&self, table: Oid) -> Vec<PolicyCmd> {
        let mut covered = HashSet::new();
        for p in self.ix.policies_of(table) {
            // a tenant policy TO some other role covers nothing for the app
            if !p.permissive || !self.applies_to_all_app(p) {
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

    /// Tenant tables that are not partitions or inheritance children of a tenant table, with
    /// their tenant column: the objects the table checks judge (children have their own check).
    pub fn tenant_tables(&self) -> impl Iterator<Item = (&'a Relation, &'a TenantColumn)> + '_ {
        self.ix
            .snap
            .relations
            .iter()
            .filter(move |r| r.is_table() && self.tenant_parent(r).is_none())
            .filter_map(|r| r.tenant.as_ref().map(|t| (r, t)))
    }

    /// Every policy on a tenant table (children included), with its table and tenant column.
    pub fn tenant_policies(&self) -> impl Iterator<Item = (&'a Relation, &'a TenantColumn, &'a Policy)> + '_ {
        self.ix.snap.policies.iter().filter_map(move |p| {
            let r = *self.ix.rel.get(&p.table)?;
            let t = r.tenant.as_ref().filter(|_| r.is_table())?;
            Some((r, t, p))
        })
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

    /// App roles that can INSERT or UPDATE a relation (ACL, membership, or owner).
    pub fn app_writers(&self, r: &Relation) -> Vec<Oid> {
        self.app_roles
            .iter()
            .copied()
            .filter(|a| self.ix.is_member(*a, r.owner) || r.writers.iter().any(|g| self.ix.is_member(*a, *g)))
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

/// Command names for messages: `SELECT, INSERT`.
pub(crate) fn cmds_text(c: &[PolicyCmd]) -> String {
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

/// `table.policy`, for a policy finding's object name.
pub(crate) fn policy_qname(r: &Relation, p: &Policy) -> String {
    format!("{}.{}", r.qname, p.qname)
}

/// `partition` or `table`, for a finding's object type.
pub(crate) fn table_type(r: &Relation) -> &'static str {
    if r.is_partition {
        "partition"
    } else {
        "table"
    }
}

/// Which expression of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Using,
    Check,
}

const MARK_START: char = '\u{2}';
const MARK_END: char = '\u{3}';

/// A marker for a policy's expression in a finding's detail: the checks read node trees, and
/// only the policies a finding prints are deparsed (`pg_get_expr`), after the checks ran, by
/// [`fill_expr_texts`]. `true` stands for a missing expression.
pub(crate) fn expr_text(p: &Policy, part: Part) -> String {
    let has = match part {
        Part::Using => p.using.is_some(),
        Part::Check => p.check.is_some(),
    };
    if !has {
        return "true".into();
    }
    let hex: String = p.name.bytes().map(|b| format!("{b:02x}")).collect();
    let part = if part == Part::Using { 'u' } else { 'c' };
    format!("{MARK_START}{}:{part}:{hex}{MARK_END}", p.table)
}

/// The (table, policy name, part) of every marker in these findings.
pub fn expr_texts_needed(findings: &[Finding]) -> Vec<(Oid, String, Part)> {
    let mut out = Vec::new();
    for f in findings {
        let mut rest = f.detail.as_str();
        while let Some(i) = rest.find(MARK_START) {
            let Some(j) = rest[i..].find(MARK_END) else { break };
            if let Some(m) = parse_mark(&rest[i + MARK_START.len_utf8()..i + j]) {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
            rest = &rest[i + j..];
        }
    }
    out
}

fn parse_mark(m: &str) -> Option<(Oid, String, Part)> {
    let mut it = m.splitn(3, ':');
    let table: Oid = it.next()?.parse().ok()?;
    let part = if it.next()? == "u" { Part::Using } else { Part::Check };
    let hex = it.next()?;
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
    Some((table, String::from_utf8(bytes?).ok()?, part))
}

/// Replace the markers with the expressions' text (`text` returns it for a marker; a marker
/// it does not know stays readable as `<expression>`).
pub fn fill_expr_texts(findings: &mut [Finding], text: impl Fn(Oid, &str, Part) -> Option<String>) {
    for f in findings.iter_mut() {
        while let Some(i) = f.detail.find(MARK_START) {
            let Some(j) = f.detail[i..].find(MARK_END) else { break };
            let inner = &f.detail[i + MARK_START.len_utf8()..i + j];
            let with = parse_mark(inner).and_then(|(t, n, p)| text(t, &n, p)).unwrap_or_else(|| "<expression>".into());
            f.detail.replace_range(i..i + j + MARK_END.len_utf8(), &with);
        }
    }
}
