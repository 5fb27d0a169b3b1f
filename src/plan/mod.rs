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
    CreatePolicy { policy: String },
    EnableRls,
    ForceRls,
    SecurityInvoker,
    NoBypassRls,
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
    }
}

fn table_action(check: &'static str, r: &Relation, kind: ActionKind, c: &Ctx) -> Action {
    let statement = match &kind {
        ActionKind::EnableRls => ddl::enable(&r.qname),
        ActionKind::ForceRls => ddl::force(&r.qname),
        ActionKind::CreatePolicy { policy } if policy.starts_with(ddl::FLOOR) => {
            ddl::floor_policy(r, &c.ix, &c.cfg.tenant_setting)
        }
        ActionKind::CreatePolicy { .. } => ddl::isolation_policy(r, &c.ix, &c.cfg.tenant_setting),
        ActionKind::SecurityInvoker => ddl::security_invoker(&r.qname),
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
                    Fix::NoBypassRls | Fix::Manual => vec![],
                };
                for k in kinds {
                    push(&mut out, &mut seen, table_action(f.check_name, r, k, c));
                }
            }
        }
    }
    let order = |k: &ActionKind| match k {
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
