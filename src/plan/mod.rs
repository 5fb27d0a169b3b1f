//! The plan: findings → ordered statements, each with its undo statement and the state it
//! leaves behind (so `rls_undo` can refuse when someone changed the object since).
//! Pure Rust: identifiers arrive already quoted by the server (`quote_ident` in the
//! snapshot queries); generated names are fixed lower-case identifiers.

use std::collections::HashSet;

use serde::Serialize;

use crate::checks::{Ctx, Finding, Target};
use crate::snapshot::*;

pub mod sql {
    use crate::snapshot::{Index, Relation, TenantColumn};

    /// Quote an identifier the way `quote_ident` does for plain names; anything that is not a
    /// lower-case identifier is double-quoted. Used for messages and generated names only:
    /// catalog names come quoted by the server.
    pub fn ident(s: &str) -> String {
        let plain = !s.is_empty()
            && s.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !RESERVED.contains(&s);
        if plain {
            s.to_string()
        } else {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
    }

    // Reserved and type/function-name keywords that quote_ident always quotes.
    const RESERVED: &[&str] = &[
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between", "bigint",
        "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce", "collate", "collation",
        "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
        "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable",
        "desc", "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign",
        "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner",
        "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral", "leading", "least",
        "left", "like", "limit", "localtime", "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not",
        "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay",
        "placing", "position", "precision", "primary", "real", "references", "returning", "right", "row", "select",
        "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "system_user", "table",
        "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user",
        "using", "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
        "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
        "xmlserialize", "xmltable",
    ];

    /// A string literal. Settings names are validated before they get here; quotes are doubled
    /// and backslashes force the E'' form anyway.
    pub fn literal(s: &str) -> String {
        if s.contains('\\') {
            format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
        } else {
            format!("'{}'", s.replace('\'', "''"))
        }
    }

    pub fn enable(q: &str) -> String {
        format!("ALTER TABLE {q} ENABLE ROW LEVEL SECURITY")
    }
    pub fn disable(q: &str) -> String {
        format!("ALTER TABLE {q} DISABLE ROW LEVEL SECURITY")
    }
    pub fn force(q: &str) -> String {
        format!("ALTER TABLE {q} FORCE ROW LEVEL SECURITY")
    }
    pub fn no_force(q: &str) -> String {
        format!("ALTER TABLE {q} NO FORCE ROW LEVEL SECURITY")
    }
    pub fn nobypassrls(role: &str) -> String {
        format!("ALTER ROLE {role} NOBYPASSRLS")
    }
    pub fn bypassrls(role: &str) -> String {
        format!("ALTER ROLE {role} BYPASSRLS")
    }
    pub fn security_invoker(view: &str) -> String {
        format!("ALTER VIEW {view} SET (security_invoker = true)")
    }
    pub fn reset_security_invoker(view: &str) -> String {
        format!("ALTER VIEW {view} RESET (security_invoker)")
    }
    pub fn drop_policy(name: &str, table: &str) -> String {
        format!("DROP POLICY {} ON {table}", ident(name))
    }

    /// The tenant predicate: the bare column (index-friendly) against the setting cast to the
    /// column's type; NULLIF makes an unset or cleared setting NULL, so it matches no row and
    /// never raises a cast error. The value is a scalar sub-select, so PostgreSQL computes it
    /// once per query (an InitPlan) instead of once per row on a sequential scan (see
    /// BENCHMARKS.md: 3.8x slower unindexed counts without it); index scans use it as well.
    pub fn predicate(t: &TenantColumn, setting: &str) -> String {
        let value = format!("NULLIF(current_setting({}, true), '')", literal(setting));
        if t.type_name == "text" {
            format!("{} = (SELECT {value})", t.qname)
        } else {
            format!("{} = (SELECT ({value})::{})", t.qname, t.type_name)
        }
    }

    pub const ISOLATION: &str = "rls_fixer_tenant_isolation";
    pub const FLOOR: &str = "rls_fixer_tenant_floor";

    /// `base`, or `base_2`, `base_3`, … when the table already has a policy of that name.
    pub fn policy_name(base: &str, r: &Relation, ix: &Index) -> String {
        let taken: Vec<&str> = ix.policies_of(r.oid).iter().map(|p| p.name.as_str()).collect();
        if !taken.contains(&base) {
            return base.to_string();
        }
        (2..).map(|i| format!("{base}_{i}")).find(|n| !taken.contains(&n.as_str())).unwrap()
    }

    fn policy(r: &Relation, ix: &Index, setting: &str, base: &str, kind: &str) -> String {
        let t = r.tenant.as_ref().expect("tenant table");
        let p = predicate(t, setting);
        format!("CREATE POLICY {} ON {} AS {kind} FOR ALL TO PUBLIC USING ({p}) WITH CHECK ({p})", ident(&policy_name(base, r, ix)), r.qname)
    }

    pub fn isolation_policy(r: &Relation, ix: &Index, setting: &str) -> String {
        policy(r, ix, setting, ISOLATION, "PERMISSIVE")
    }

    pub fn floor_policy(r: &Relation, ix: &Index, setting: &str) -> String {
        policy(r, ix, setting, FLOOR, "RESTRICTIVE")
    }
}

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

fn table_action(check: &'static str, r: &Relation, kind: ActionKind, c: &Ctx) -> Action {
    let (statement, undo) = match &kind {
        ActionKind::EnableRls => (sql::enable(&r.qname), sql::disable(&r.qname)),
        ActionKind::ForceRls => (sql::force(&r.qname), sql::no_force(&r.qname)),
        ActionKind::CreatePolicy { policy } => {
            let stmt = if policy.starts_with(sql::FLOOR) { sql::floor_policy(r, &c.ix, &c.cfg.tenant_setting) } else { sql::isolation_policy(r, &c.ix, &c.cfg.tenant_setting) };
            (stmt, sql::drop_policy(policy, &r.qname))
        }
        ActionKind::SecurityInvoker => (sql::security_invoker(&r.qname), sql::reset_security_invoker(&r.qname)),
        ActionKind::NoBypassRls => unreachable!("roles are not tables"),
    };
    let rank = if r.is_table() { 0 } else { 1 };
    Action { check_name: check, object_name: r.qname.clone(), statement, undo, kind, oid: r.oid, unit: (rank, r.qname.clone()), needs_superuser: false }
}

/// What a tenant table lacks (tenant policy, ENABLE, FORCE), as actions.
fn gap_kinds(c: &Ctx, r: &Relation) -> Vec<ActionKind> {
    let (off, unforced, missing) = c.gaps(r);
    let mut k = Vec::new();
    if !missing.is_empty() {
        k.push(ActionKind::CreatePolicy { policy: sql::policy_name(sql::ISOLATION, r, &c.ix) });
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
        match (f.check_name, f.target) {
            ("role_bypassrls", Target::Role(oid)) => {
                let role = c.ix.role[&oid];
                push(&mut out, &mut seen, Action {
                    check_name: f.check_name,
                    object_name: role.qname.clone(),
                    statement: sql::nobypassrls(&role.qname),
                    undo: sql::bypassrls(&role.qname),
                    kind: ActionKind::NoBypassRls,
                    oid,
                    unit: (2, role.qname.clone()),
                    needs_superuser: true,
                });
            }
            (check, Target::Relation(oid)) => {
                let r = c.ix.rel[&oid];
                let isolation = || ActionKind::CreatePolicy { policy: sql::policy_name(sql::ISOLATION, r, &c.ix) };
                let floor = || ActionKind::CreatePolicy { policy: sql::policy_name(sql::FLOOR, r, &c.ix) };
                let kinds: Vec<ActionKind> = match check {
                    "rls_disabled" => vec![ActionKind::EnableRls],
                    "rls_not_forced" => vec![ActionKind::ForceRls],
                    "tenant_policy_missing" => vec![isolation()],
                    "permissive_policy_unscoped" | "policy_fail_open" | "write_check_missing" => vec![floor()],
                    "policy_without_rls" if r.is_tenant_table() => vec![ActionKind::EnableRls, ActionKind::ForceRls],
                    "partition_unprotected" | "inheritance_child_unprotected" => gap_kinds(c, r),
                    "view_bypasses_rls" if f.fix_sql.is_some() => vec![ActionKind::SecurityInvoker],
                    _ => vec![],
                };
                for k in kinds {
                    push(&mut out, &mut seen, table_action(check, r, k, c));
                }
            }
            _ => {}
        }
    }
    let order = |k: &ActionKind| match k {
        ActionKind::CreatePolicy { policy } if policy.starts_with(sql::ISOLATION) => 0,
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
