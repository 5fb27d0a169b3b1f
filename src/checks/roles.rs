//! Checks on the application roles: superuser, BYPASSRLS, roles they can become, tables they
//! own.

use std::collections::HashSet;

use super::context::table_type;
use super::{finding, Ctx, Finding, Severity, Target};
use crate::ddl;
use crate::snapshot::*;

fn app_roles<'a>(c: &'a Ctx) -> impl Iterator<Item = &'a Role> + 'a {
    c.app_roles.iter().filter_map(move |a| c.ix.role.get(a).copied())
}

pub fn role_superuser(c: &Ctx, out: &mut Vec<Finding>) {
    for role in app_roles(c).filter(|r| r.superuser) {
        out.push(finding(
            "role_superuser",
            Severity::Error,
            "role",
            role.qname.clone(),
            format!(
                "app role {} is a superuser: superusers bypass row-level security even when it is FORCEd; give the application an ordinary role",
                role.qname
            ),
            None,
            Target::Role(role.oid),
        ));
    }
}

pub fn role_bypassrls(c: &Ctx, out: &mut Vec<Finding>) {
    for role in app_roles(c).filter(|r| !r.superuser && r.bypassrls) {
        out.push(finding(
            "role_bypassrls",
            Severity::Error,
            "role",
            role.qname.clone(),
            format!("app role {} has BYPASSRLS: no policy applies to it, it sees every tenant's rows", role.qname),
            Some(ddl::nobypassrls(&role.qname)),
            Target::Role(role.oid),
        ));
    }
}

pub fn role_can_assume_bypass(c: &Ctx, out: &mut Vec<Finding>) {
    let tenant_owners: HashSet<Oid> =
        c.ix.snap.relations.iter().filter(|r| r.is_tenant_table()).map(|r| r.owner).collect();
    for role in app_roles(c) {
        // roles it can SET ROLE into (every role it is a member of, in PostgreSQL 15)
        let mut targets: Vec<(String, &str)> = Vec::new();
        if let Some(closure) = c.ix.member_closure.get(&role.oid) {
            for m in closure.iter().filter(|m| **m != role.oid) {
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
        if targets.is_empty() {
            continue;
        }
        targets.sort();
        let direct: Vec<String> = role.member_of.iter().map(|m| c.ix.role_name(*m)).collect();
        out.push(finding(
            "role_can_assume_bypass",
            Severity::Error,
            "role",
            role.qname.clone(),
            format!(
                "app role {} can SET ROLE into {}: one statement and it bypasses row-level security",
                role.qname,
                targets.iter().map(|(n, w)| format!("{n} ({w})")).collect::<Vec<_>>().join(", ")
            ),
            Some(format!("REVOKE {} FROM {}", direct.join(", "), role.qname)),
            Target::Role(role.oid),
        ));
    }
}

pub fn role_owns_tenant_table(c: &Ctx, out: &mut Vec<Finding>) {
    for r in c.ix.snap.relations.iter().filter(|r| r.is_tenant_table() && c.app_roles.contains(&r.owner)) {
        let (sev, how) = if r.rls_forced {
            (
                Severity::Warning,
                "RLS is FORCEd, so policies apply to it, but as owner it can still ALTER TABLE ... NO FORCE / DISABLE ROW LEVEL SECURITY or drop the policies",
            )
        } else {
            (Severity::Error, "without FORCE ROW LEVEL SECURITY the owner bypasses every policy")
        };
        out.push(finding(
            "role_owns_tenant_table",
            sev,
            table_type(r),
            r.qname.clone(),
            format!(
                "app role {} owns {}: {}; let a migration role own tenant tables",
                c.ix.role_name(r.owner),
                r.qname,
                how
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}

pub fn role_row_security_off(c: &Ctx, out: &mut Vec<Finding>) {
    let off = &c.ix.snap.objects.row_security_off;
    for role in app_roles(c).filter(|r| off.contains(&0) || off.contains(&r.oid)) {
        let fix =
            if off.contains(&role.oid) { Some(format!("ALTER ROLE {} RESET row_security", role.qname)) } else { None };
        out.push(finding(
            "role_row_security_off",
            Severity::Warning,
            "role",
            role.qname.clone(),
            format!(
                "app role {} runs with row_security = off (role or database setting): someone meant it to bypass row-level security; queries that policies would filter fail for it, and with BYPASSRLS it would read everything",
                role.qname
            ),
            fix,
            Target::Role(role.oid),
        ));
    }
}
