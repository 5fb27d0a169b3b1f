//! The plan: findings → ordered statements, each with its undo statement and the state it
//! leaves behind (so `rls_undo` can refuse when someone changed the object since).
//! Pure Rust: identifiers arrive already quoted by the server (`quote_ident` in the
//! snapshot queries); generated names are fixed lower-case identifiers.

use std::collections::HashSet;

use serde::Serialize;

use crate::checks::{Ctx, Finding, Fix, Target};
use crate::ddl;
use crate::snapshot::*;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActionKind {
    CreatePolicy {
        policy: String,
    },
    EnableRls,
    ForceRls,
    SecurityInvoker,
    NoBypassRls,
    /// One of the extension's own policies rebuilt in another form (same name). What the undo
    /// needs to rebuild the old one is recorded here, by rls_fix only.
    ReplacePolicy {
        policy: String,
        restrictive: bool,
        /// the tenant column, quoted; its type without modifier; its equality operator
        column: String,
        type_name: String,
        eq_op: Option<String>,
        from: FormRecord,
        to: FormRecord,
    },
}

/// A policy form as recorded in the history.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormRecord {
    Setting { setting: String },
    Protected,
    Bare { setting: String },
}

impl FormRecord {
    pub fn form(&self) -> ddl::Form {
        match self {
            FormRecord::Setting { setting } => ddl::Form::Setting(setting.clone()),
            FormRecord::Protected => ddl::Form::Protected,
            FormRecord::Bare { setting } => ddl::Form::Bare(setting.clone()),
        }
    }
    pub fn of(form: &ddl::Form) -> FormRecord {
        match form {
            ddl::Form::Setting(s) => FormRecord::Setting { setting: s.clone() },
            ddl::Form::Protected => FormRecord::Protected,
            ddl::Form::Bare(s) => FormRecord::Bare { setting: s.clone() },
        }
    }
    /// The form a generated policy reads, from the settings its tenant comparison reads.
    pub fn read_by(settings: &[String]) -> Option<FormRecord> {
        match settings {
            [one] if one == crate::analysis::PROTECTED_TENANT => Some(FormRecord::Protected),
            [one] if one != crate::analysis::CONFIGURED_SETTING => Some(FormRecord::Setting { setting: one.clone() }),
            _ => None,
        }
    }
}

/// `DROP POLICY …; CREATE POLICY …` rebuilding a generated policy in `form`.
fn replace_policy_sql(kind: &ActionKind, qname: &str, to_old: bool) -> String {
    let ActionKind::ReplacePolicy { policy, restrictive, column, type_name, eq_op, from, to } = kind else {
        unreachable!("only for ReplacePolicy")
    };
    let t = TenantColumn {
        name: String::new(),
        qname: column.clone(),
        attnum: 0,
        type_name: type_name.clone(),
        eq_op: eq_op.clone(),
        not_null: true,
        indexed: true,
        virtual_generated: None,
    };
    let form = if to_old { from.form() } else { to.form() };
    format!("{}; {}", ddl::drop_policy(policy, qname), ddl::policy_on(qname, &t, &form, policy, *restrictive))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub check_name: &'static str,
    pub object_name: String,
    pub statement: String,
    pub undo: String,
    #[serde(flatten)]
    pub kind: ActionKind,
    /// pg_class oid for tables/views, pg_authid oid for roles
    pub oid: Oid,
    /// the object the statement changes: a batch never splits one
    #[serde(skip)]
    pub unit: (u8, String),
    #[serde(skip)]
    pub needs_superuser: bool,
}

fn push(out: &mut Vec<Action>, seen: &mut HashSet<(Oid, ActionKind)>, a: Action) {
    if seen.insert((a.oid, a.kind.clone())) {
        out.push(a);
    }
}

/// The statement that reverts `kind` on the object now called `qname` (a table, view or
/// role, quoted). Built from what was recorded, never read back as SQL text.
pub fn undo_statement(kind: &ActionKind, qname: &str) -> String {
    match kind {
        ActionKind::EnableRls => ddl::disable(qname),
        ActionKind::ForceRls => ddl::no_force(qname),
        ActionKind::CreatePolicy { policy } => ddl::drop_policy(policy, qname),
        ActionKind::SecurityInvoker => ddl::reset_security_invoker(qname),
        ActionKind::NoBypassRls => ddl::bypassrls(qname),
        ActionKind::ReplacePolicy { .. } => replace_policy_sql(kind, qname, true),
    }
}

fn table_action(check: &'static str, r: &Relation, kind: ActionKind, c: &Ctx) -> Action {
    let statement = match &kind {
        ActionKind::EnableRls => ddl::enable(&r.qname),
        ActionKind::ForceRls => ddl::force(&r.qname),
        ActionKind::CreatePolicy { policy } if policy.starts_with(ddl::FLOOR) => {
            ddl::floor_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix))
        }
        ActionKind::CreatePolicy { .. } => ddl::isolation_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix)),
        ActionKind::SecurityInvoker => ddl::security_invoker(&r.qname),
        ActionKind::ReplacePolicy { .. } => replace_policy_sql(&kind, &r.qname, false),
        ActionKind::NoBypassRls => unreachable!("roles are not tables"),
    };
    let undo = undo_statement(&kind, &r.qname);
    let rank = if r.is_table() { 0 } else { 1 };
    Action {
        check_name: check,
        object_name: r.qname.clone(),
        statement,
        undo,
        kind,
        oid: r.oid,
        unit: (rank, r.qname.clone()),
        needs_superuser: false,
    }
}

/// What a tenant table lacks (tenant policy, ENABLE, FORCE), as actions.
fn gap_kinds(c: &Ctx, r: &Relation) -> Vec<ActionKind> {
    let (off, unforced, missing) = c.gaps(r);
    let mut k = Vec::new();
    if !missing.is_empty() {
        k.push(ActionKind::CreatePolicy { policy: ddl::policy_name(ddl::ISOLATION, r, &c.ix) });
    }
    if off {
        k.push(ActionKind::EnableRls);
    }
    if unforced {
        k.push(ActionKind::ForceRls);
    }
    k
}

/// The statements that protect one tenant table (for the new-table event trigger).
pub fn protect_table(c: &Ctx, r: &Relation, check: &'static str) -> Vec<Action> {
    gap_kinds(c, r).into_iter().map(|k| table_action(check, r, k, c)).collect()
}

/// Findings → the statements `rls_fix` runs, grouped by object (tables, then views, then
/// roles) and, within a table, policies before ENABLE/FORCE.
pub fn plan(c: &Ctx, findings: &[Finding]) -> Vec<Action> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for f in findings {
        match (f.fix, f.target) {
            (Fix::Manual, _) | (_, Target::Other) => {}
            (Fix::NoBypassRls, Target::Role(oid)) => {
                let role = c.ix.role[&oid];
                let kind = ActionKind::NoBypassRls;
                push(
                    &mut out,
                    &mut seen,
                    Action {
                        check_name: f.check_name,
                        object_name: role.qname.clone(),
                        statement: ddl::nobypassrls(&role.qname),
                        undo: undo_statement(&kind, &role.qname),
                        kind,
                        oid,
                        unit: (2, role.qname.clone()),
                        needs_superuser: true,
                    },
                );
            }
            (_, Target::Role(_)) => {}
            (fix, Target::Relation(oid)) => {
                let r = c.ix.rel[&oid];
                let isolation = || ActionKind::CreatePolicy { policy: ddl::policy_name(ddl::ISOLATION, r, &c.ix) };
                let floor = || ActionKind::CreatePolicy { policy: ddl::policy_name(ddl::FLOOR, r, &c.ix) };
                let kinds: Vec<ActionKind> = match fix {
                    Fix::EnableRls => vec![ActionKind::EnableRls],
                    Fix::ForceRls => vec![ActionKind::ForceRls],
                    Fix::IsolationPolicy => vec![isolation()],
                    Fix::FloorPolicy => vec![floor()],
                    Fix::EnableAndForce => vec![ActionKind::EnableRls, ActionKind::ForceRls],
                    Fix::CloseGaps => gap_kinds(c, r),
                    Fix::SecurityInvoker => vec![ActionKind::SecurityInvoker],
                    Fix::RegeneratePolicy => regenerate(c, r, f).into_iter().collect(),
                    Fix::NoBypassRls | Fix::Manual => vec![],
                };
                for k in kinds {
                    push(&mut out, &mut seen, table_action(f.check_name, r, k, c));
                }
            }
        }
    }
    let order = |k: &ActionKind| match k {
        ActionKind::ReplacePolicy { .. } => 0,
        ActionKind::CreatePolicy { policy } if policy.starts_with(ddl::ISOLATION) => 0,
        ActionKind::CreatePolicy { .. } => 1,
        ActionKind::EnableRls => 2,
        ActionKind::ForceRls => 3,
        ActionKind::SecurityInvoker => 4,
        ActionKind::NoBypassRls => 5,
    };
    out.sort_by(|a, b| (&a.unit, order(&a.kind)).cmp(&(&b.unit, order(&b.kind))));
    out
}

/// The replacement of a generated policy a `generated_policy_outdated` finding names.
fn regenerate(c: &Ctx, r: &Relation, f: &Finding) -> Option<ActionKind> {
    let t = r.tenant.as_ref()?;
    let p = c.ix.policies_of(r.oid).iter().find(|p| f.object_name == format!("{}.{}", r.qname, p.qname))?;
    let mut from = FormRecord::read_by(&c.info(p).using_scope.settings)?;
    if let (FormRecord::Setting { setting }, Some(ci)) = (&from, &c.ix.snap.citus) {
        // a Citus table's setting-form policy can only be the bare form (Citus refuses the other)
        if ci.table(r.oid).is_some() {
            from = FormRecord::Bare { setting: setting.clone() };
        }
    }
    Some(ActionKind::ReplacePolicy {
        policy: p.name.clone(),
        restrictive: !p.permissive,
        column: t.qname.clone(),
        type_name: t.type_name.clone(),
        eq_op: t.eq_op.clone(),
        from,
        to: FormRecord::of(&ddl::Form::of_table(c.cfg, r, &c.ix)),
    })
}

/// The first batch of a plan: the statements of at most `units` objects (never splitting
/// one object's statements), and how many objects are left for later batches.
pub fn first_batch(actions: &[Action], units: usize) -> (Vec<Action>, usize) {
    let mut batch = Vec::new();
    let mut last: Option<&(u8, String)> = None;
    let (mut count, mut remaining) = (0usize, 0usize);
    for a in actions {
        if last != Some(&a.unit) {
            last = Some(&a.unit);
            count += 1;
            if count > units {
                remaining += 1;
            }
        }
        if count <= units {
            batch.push(a.clone());
        }
    }
    (batch, remaining)
}
