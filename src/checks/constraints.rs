//! Checks on constraints that cross tenants: unique keys and foreign keys without the tenant
//! column.

use super::{finding, Ctx, Finding, Severity, Target};
use crate::analysis::{self, CmpOp, Expr};
use crate::ddl;
use crate::snapshot::*;

/// Does a partial index's WHERE pin the tenant column to one constant (`WHERE tenant_id =
/// 'acme'`)? Then the index only ever holds one tenant's rows.
fn one_tenant_only(c: &Ctx, predicate: &str, column: i16) -> bool {
    let Some(e) = analysis::lower(predicate, &c.ix.snap.catalog).expr else { return false };
    let pins = |x: &Expr| match x {
        Expr::Cmp { op: CmpOp::Eq, l, r } => [(l, r), (r, l)].iter().any(|(a, b)| {
            matches!(analysis::strip_casts(a), Expr::Col(k) if *k == column)
                && matches!(analysis::strip_casts(b), Expr::Str(_) | Expr::Num(_))
        }),
        _ => false,
    };
    match &e {
        Expr::And(v) => v.iter().any(pins),
        other => pins(other),
    }
}

pub fn unique_not_tenant_scoped(c: &Ctx, out: &mut Vec<Finding>) {
    for k in
        c.ix.snap.constraints.iter().filter(|k| {
            matches!(k.kind, ConstraintKind::Primary | ConstraintKind::Unique | ConstraintKind::UniqueIndex)
        })
    {
        let Some(r) = c.ix.rel.get(&k.table) else { continue };
        let Some(t) = r.tenant.as_ref().filter(|_| r.is_table() && c.tenant_parent(r).is_none()) else { continue };
        // the tenant column as a key column of its own (in an expression, two tenants' values
        // can still collide: lower('A') = lower('a'))
        if k.columns.contains(&t.attnum) {
            continue;
        }
        if k.predicate.as_deref().is_some_and(|p| one_tenant_only(c, p, t.attnum)) {
            continue;
        }
        let what = match k.kind {
            ConstraintKind::Primary => "primary key",
            ConstraintKind::Unique => "unique constraint",
            _ => "unique index",
        };
        out.push(finding(
            "unique_not_tenant_scoped",
            Severity::Warning,
            if k.kind == ConstraintKind::UniqueIndex { "index" } else { "constraint" },
            k.qname.clone(),
            format!(
                "{} {} on {} does not include {} as a key column: inserting a value another tenant already uses fails, which tells a tenant that the value exists elsewhere",
                what,
                ddl::ident(&k.name),
                r.qname,
                t.qname
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}

pub fn foreign_key_not_tenant_scoped(c: &Ctx, out: &mut Vec<Finding>) {
    for k in c.ix.snap.constraints.iter().filter(|k| k.kind == ConstraintKind::Foreign) {
        let Some(target) = k.ref_table.and_then(|o| c.ix.rel.get(&o)) else { continue };
        let Some(t) = target.tenant.as_ref().filter(|_| target.is_table()) else { continue };
        let Some(r) = c.ix.rel.get(&k.table) else { continue };
        if k.ref_columns.contains(&t.attnum) {
            continue;
        }
        out.push(finding(
            "foreign_key_not_tenant_scoped",
            Severity::Warning,
            "constraint",
            k.qname.clone(),
            format!(
                "foreign key {} on {} references {} without {}: a row can point at another tenant's row, and the FK check (which bypasses RLS) reveals that it exists",
                ddl::ident(&k.name),
                r.qname,
                target.qname,
                t.qname
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}
