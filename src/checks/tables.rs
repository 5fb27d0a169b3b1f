//! Checks on tenant tables themselves: RLS on, FORCEd, a tenant policy for every command,
//! children protected, an index and NOT NULL on the tenant column.

use super::context::{cmds_text, table_type};
use super::{finding, Ctx, Finding, Fix, Severity, Target};
use crate::ddl;
use crate::snapshot::*;

pub fn rls_disabled(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t) in c.tenant_tables().filter(|(r, _)| !r.rls_enabled) {
        out.push(finding(
            "rls_disabled",
            Severity::Error,
            "table",
            r.qname.clone(),
            format!(
                "{} has a {} column but row-level security is off: every role with privileges on it reads and writes all tenants' rows",
                r.qname, t.qname
            ),
            Some(ddl::enable(&r.qname)),
            Target::Relation(r.oid),
        ));
    }
}

pub fn rls_not_forced(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _) in c.tenant_tables().filter(|(r, _)| !r.rls_forced) {
        out.push(finding(
            "rls_not_forced",
            Severity::Error,
            "table",
            r.qname.clone(),
            format!(
                "row-level security on {} is not FORCEd: its owner {} (and every member of that role) bypasses the policies",
                r.qname,
                c.ix.role_name(r.owner)
            ),
            Some(ddl::force(&r.qname)),
            Target::Relation(r.oid),
        ));
    }
}

pub fn tenant_policy_missing(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t) in c.tenant_tables() {
        let missing = c.uncovered_cmds(r.oid);
        if missing.is_empty() {
            continue;
        }
        out.push(finding(
            "tenant_policy_missing",
            Severity::Error,
            "table",
            r.qname.clone(),
            format!(
                "no permissive policy on {} pins {} to current_setting('{}') for {}: with RLS on these commands see no rows, with RLS off they see all",
                r.qname,
                t.qname,
                c.cfg.tenant_setting,
                cmds_text(&missing)
            ),
            Some(ddl::isolation_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix))),
            Target::Relation(r.oid),
        ));
    }
}

pub fn policy_without_rls(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_table() && !r.rls_enabled) {
        let n = c.ix.policies_of(r.oid).len();
        if n == 0 {
            continue;
        }
        let fix_sql = if r.is_tenant_table() {
            format!("{}; {}", ddl::enable(&r.qname), ddl::force(&r.qname))
        } else {
            ddl::enable(&r.qname)
        };
        let mut f = finding(
            "policy_without_rls",
            Severity::Error,
            table_type(r),
            r.qname.clone(),
            format!(
                "{} has {} polic{} but row-level security is off: the policies are dormant and every row is visible",
                r.qname,
                n,
                if n == 1 { "y" } else { "ies" }
            ),
            Some(fix_sql),
            Target::Relation(r.oid),
        );
        // on a table without the tenant column, turning RLS on is a human's decision
        if !r.is_tenant_table() {
            f.fix = Fix::Manual;
        }
        out.push(f);
    }
}

fn children_unprotected(c: &Ctx, partitions: bool, out: &mut Vec<Finding>) {
    let check = if partitions { "partition_unprotected" } else { "inheritance_child_unprotected" };
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && r.is_partition == partitions) {
        let Some(parent) = c.tenant_parent(r) else { continue };
        let (off, unforced, missing) = c.gaps(r);
        if !off && !unforced && missing.is_empty() {
            continue;
        }
        let mut lacks = Vec::new();
        let mut fix = Vec::new();
        if off {
            lacks.push("ENABLE ROW LEVEL SECURITY".to_string());
            fix.push(ddl::enable(&r.qname));
        }
        if unforced {
            lacks.push("FORCE ROW LEVEL SECURITY".to_string());
            fix.push(ddl::force(&r.qname));
        }
        if !missing.is_empty() {
            lacks.push(format!("a tenant policy for {}", cmds_text(&missing)));
            fix.push(ddl::isolation_policy(r, &c.ix, &ddl::Form::of_table(c.cfg, r, &c.ix)));
        }
        let what = if partitions { "partition" } else { "inheritance child" };
        out.push(finding(
            check,
            Severity::Error,
            table_type(r),
            r.qname.clone(),
            format!(
                "{} is a {} of {} and lacks {}: a query naming it directly skips the parent's policies and sees every tenant's rows in it",
                r.qname,
                what,
                parent.qname,
                lacks.join(", ")
            ),
            Some(fix.join("; ")),
            Target::Relation(r.oid),
        ));
    }
}

pub fn partition_unprotected(c: &Ctx, out: &mut Vec<Finding>) {
    children_unprotected(c, true, out);
}

pub fn inheritance_child_unprotected(c: &Ctx, out: &mut Vec<Finding>) {
    children_unprotected(c, false, out);
}

pub fn tenant_index_missing(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t) in c.tenant_tables().filter(|(_, t)| !t.indexed) {
        // a virtual generated column (18) cannot be indexed; an index on its expression serves
        // the same queries, since the planner replaces the column with the expression
        let key = match &t.virtual_generated {
            Some(expr) => format!("({expr})"),
            None => t.qname.clone(),
        };
        let fix = if r.kind == RelKind::Partitioned {
            format!("CREATE INDEX ON {} ({key})", r.qname)
        } else {
            format!("CREATE INDEX CONCURRENTLY ON {} ({key})", r.qname)
        };
        let mut detail = format!(
            "no index on {} leads with {}: every tenant-scoped query scans all tenants' rows",
            r.qname, t.qname
        );
        if t.virtual_generated.is_some() {
            detail.push_str(&format!(
                " ({} is a virtual generated column, which cannot be indexed: the index is on its expression)",
                t.qname
            ));
        }
        out.push(finding(
            "tenant_index_missing",
            Severity::Warning,
            "table",
            r.qname.clone(),
            detail,
            Some(fix),
            Target::Relation(r.oid),
        ));
    }
}

pub fn tenant_column_nullable(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, t) in c.tenant_tables().filter(|(_, t)| !t.not_null) {
        out.push(finding(
            "tenant_column_nullable",
            Severity::Warning,
            "table",
            r.qname.clone(),
            format!(
                "{}.{} allows NULL: such rows belong to no tenant, and a policy comparing with NULL hides them from everyone but owners",
                r.qname, t.qname
            ),
            Some(format!("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", r.qname, t.qname)),
            Target::Relation(r.oid),
        ));
    }
}

pub fn table_skipped(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_table() && r.tenant.is_none() && !r.is_partition) {
        out.push(finding(
            "table_skipped",
            Severity::Info,
            "table",
            r.qname.clone(),
            format!(
                "{} has no {} column: not a tenant table, not managed by rls_fixer",
                r.qname,
                ddl::ident(&c.cfg.tenant_column)
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}

pub fn tenant_table_public_grant(c: &Ctx, out: &mut Vec<Finding>) {
    for (r, _) in c.tenant_tables().filter(|(r, _)| r.grantees.contains(&0)) {
        out.push(finding(
            "tenant_table_public_grant",
            Severity::Warning,
            table_type(r),
            r.qname.clone(),
            format!(
                "{} grants table privileges to PUBLIC: every role that can log in, including ones created later and never audited as app roles, reads and writes it as far as its policies let (and in the default mode chooses its tenant with SET)",
                r.qname
            ),
            Some(format!("REVOKE ALL ON {} FROM PUBLIC", r.qname)),
            Target::Relation(r.oid),
        ));
    }
}

/// TRUNCATE is not subject to row-level security: an app role holding it (by a grant to it, a
/// group of it, or PUBLIC) empties every tenant's rows. Owners are role_owns_tenant_table's.
pub fn tenant_table_truncate(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && !r.truncaters.is_empty()) {
        let grants: Vec<Oid> = r
            .truncaters
            .iter()
            .copied()
            .filter(|g| *g != r.owner && c.app_roles.iter().any(|a| c.ix.is_member(*a, *g)))
            .collect();
        if grants.is_empty() {
            continue;
        }
        let roles: Vec<String> = c
            .app_roles
            .iter()
            .filter(|a| grants.iter().any(|g| c.ix.is_member(**a, *g)))
            .map(|a| c.ix.role_name(*a))
            .collect();
        let from: Vec<String> =
            grants.iter().map(|g| if *g == 0 { "PUBLIC".to_string() } else { c.ix.role_name(*g) }).collect();
        out.push(finding(
            "tenant_table_truncate",
            Severity::Error,
            table_type(r),
            r.qname.clone(),
            format!(
                "app role(s) {} may TRUNCATE {} (granted to {}): TRUNCATE ignores row-level security, so one tenant can delete every tenant's rows at once",
                roles.join(", "),
                r.qname,
                from.join(", ")
            ),
            Some(format!("REVOKE TRUNCATE ON {} FROM {}", r.qname, from.join(", "))),
            Target::Relation(r.oid),
        ));
    }
}

pub fn foreign_tenant_table(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.kind == RelKind::Foreign && r.tenant.is_some()) {
        out.push(finding(
            "foreign_tenant_table",
            Severity::Warning,
            "foreign table",
            r.qname.clone(),
            format!(
                "foreign table {} has a {} column, but row-level security cannot be enabled on a foreign table: every role that may read it sees every tenant's rows, and the remote side is not protected by this database",
                r.qname,
                ddl::ident(&c.cfg.tenant_column)
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}

pub fn tenant_table_published(c: &Ctx, out: &mut Vec<Finding>) {
    let pubs = &c.ix.snap.objects.publications;
    if pubs.is_empty() {
        return;
    }
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table()) {
        let mut names: Vec<&str> =
            pubs.iter().filter(|(t, _)| t.is_none() || *t == Some(r.oid)).map(|(_, n)| n.as_str()).collect();
        if names.is_empty() {
            continue;
        }
        names.sort();
        names.dedup();
        out.push(finding(
            "tenant_table_published",
            Severity::Warning,
            table_type(r),
            r.qname.clone(),
            format!(
                "{} is in publication(s) {}: logical replication copies every tenant's rows to the subscribers, where no policy of this database applies",
                r.qname,
                names.join(", ")
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}

pub fn tenant_table_rule(c: &Ctx, out: &mut Vec<Finding>) {
    for (table, rule) in &c.ix.snap.objects.rules {
        let Some(r) = c.ix.rel.get(table).filter(|r| r.is_tenant_table()) else { continue };
        out.push(finding(
            "tenant_table_rule",
            Severity::Warning,
            "rule",
            format!("{}.{}", r.qname, ddl::ident(rule)),
            format!(
                "rule {} on {} rewrites statements on it; its actions run with the privileges of the table's owner {}, who may not be subject to the policies of the tables they touch",
                ddl::ident(rule),
                r.qname,
                c.ix.role_name(r.owner)
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}
