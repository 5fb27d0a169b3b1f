//! Checks on constraints that cross tenants: unique keys and foreign keys without the tenant
//! column.

use super::{finding, Ctx, Finding, Severity, Target};
use crate::ddl;
use crate::snapshot::*;

pub fn unique_not_tenant_scoped(c: &Ctx, out: &mut Vec<Finding>) {
    for k in c.ix.snap.constraints.iter().filter(|k| matches!(k.kind, ConstraintKind::Primary | ConstraintKind::Unique))
    {
        let Some(r) = c.ix.rel.get(&k.table) else { continue };
        let Some(t) = r.tenant.as_ref().filter(|_| r.is_table() && c.tenant_parent(r).is_none()) else { continue };
        if k.columns.contains(&t.attnum) {
            continue;
        }
        let what = if k.kind == ConstraintKind::Primary { "primary key" } else { "unique constraint" };
        out.push(finding(
            "unique_not_tenant_scoped",
            Severity::Warning,
            "constraint",
            k.qname.clone(),
            format!(
                "{} {} on {} does not include {}: inserting a value another tenant already uses fails, which tells a tenant that the value exists elsewhere",
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
