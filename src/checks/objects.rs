//! Checks on what reads tenant tables around the policies: views, materialized views and
//! SECURITY DEFINER functions.

use super::{finding, Ctx, Finding, Fix, Severity, Target};
use crate::ddl;
use crate::snapshot::*;

pub fn view_bypasses_rls(c: &Ctx, out: &mut Vec<Finding>) {
    for v in c.ix.snap.relations.iter().filter(|r| r.kind == RelKind::View && !r.security_invoker) {
        let tables = c.tenant_tables_read(v);
        if tables.is_empty() {
            continue;
        }
        let names: Vec<&str> = tables.iter().map(|t| t.qname.as_str()).collect();
        let fix = if c.ix.snap.server_version_num >= 150000 { Some(ddl::security_invoker(&v.qname)) } else { None };
        let mut f = finding("view_bypasses_rls", Severity::Error, "view", v.qname.clone(),
            format!("view {} reads tenant table(s) {} with the rights of its owner {}, not of the querying role: RLS is checked against the owner (who usually bypasses it)", v.qname, names.join(", "), c.ix.role_name(v.owner)),
            fix, Target::Relation(v.oid));
        // security_invoker needs PostgreSQL 15
        if f.fix_sql.is_none() {
            f.fix = Fix::Manual;
        }
        out.push(f);
    }
}

pub fn matview_exposes_tenant_data(c: &Ctx, out: &mut Vec<Finding>) {
    for m in c.ix.snap.relations.iter().filter(|r| r.kind == RelKind::MatView) {
        let tables = c.tenant_tables_read(m);
        let readers = c.app_readers(m);
        if tables.is_empty() || readers.is_empty() {
            continue;
        }
        let names: Vec<&str> = tables.iter().map(|t| t.qname.as_str()).collect();
        let roles: Vec<String> = readers.iter().map(|r| c.ix.role_name(*r)).collect();
        let grantees: Vec<String> = m
            .grantees
            .iter()
            .filter(|g| readers.iter().any(|a| c.ix.is_member(*a, **g)))
            .map(|g| if *g == 0 { "PUBLIC".to_string() } else { c.ix.role_name(*g) })
            .collect();
        let fix = if grantees.is_empty() {
            None
        } else {
            Some(format!("REVOKE SELECT ON {} FROM {}", m.qname, grantees.join(", ")))
        };
        out.push(finding("matview_exposes_tenant_data", Severity::Error, "materialized view", m.qname.clone(),
            format!("materialized view {} stores rows of {} without row-level security, and app role(s) {} can read all of them", m.qname, names.join(", "), roles.join(", ")),
            fix, Target::Relation(m.oid)));
    }
}

pub fn security_definer_function(c: &Ctx, out: &mut Vec<Finding>) {
    for f in c.ix.snap.functions.iter().filter(|f| f.security_definer) {
        let reads: Vec<&str> = f
            .reads
            .iter()
            .filter_map(|o| c.ix.rel.get(o))
            .filter(|r| r.is_tenant_table())
            .map(|r| r.qname.as_str())
            .collect();
        let runners: Vec<String> = c
            .app_roles
            .iter()
            .filter(|a| f.executors.iter().any(|e| c.ix.is_member(**a, *e)) || c.ix.is_member(**a, f.owner))
            .map(|a| c.ix.role_name(*a))
            .collect();
        if !reads.is_empty() && !runners.is_empty() {
            out.push(finding("security_definer_function", Severity::Warning, "function", f.signature.clone(),
                format!("SECURITY DEFINER function {} reads tenant table(s) {} as its owner {}, and app role(s) {} can execute it: its queries are not filtered for the caller's tenant unless it filters itself", f.signature, reads.join(", "), c.ix.role_name(f.owner), runners.join(", ")),
                None, Target::Other));
        }
    }
}

pub fn function_search_path_mutable(c: &Ctx, out: &mut Vec<Finding>) {
    for f in c.ix.snap.functions.iter().filter(|f| f.security_definer && !f.search_path_pinned) {
        out.push(finding("function_search_path_mutable", Severity::Warning, "function", f.signature.clone(),
            format!("SECURITY DEFINER function {} has no pinned search_path: a caller can create objects that shadow the ones it uses and run code as {}", f.signature, c.ix.role_name(f.owner)),
            Some(format!("ALTER FUNCTION {} SET search_path = pg_catalog, pg_temp", f.signature)), Target::Other));
    }
}

pub fn default_privileges_public(c: &Ctx, out: &mut Vec<Finding>) {
    for d in &c.ix.snap.objects.default_acls {
        let role = c.ix.role_name(d.role);
        let (object, scope, fix) = match &d.schema {
            Some(s) => (
                format!("{role} in schema {}", ddl::ident(s)),
                format!("in schema {}", ddl::ident(s)),
                format!(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {role} IN SCHEMA {} REVOKE ALL ON TABLES FROM PUBLIC",
                    ddl::ident(s)
                ),
            ),
            None => (
                role.clone(),
                "in every schema".to_string(),
                format!("ALTER DEFAULT PRIVILEGES FOR ROLE {role} REVOKE ALL ON TABLES FROM PUBLIC"),
            ),
        };
        out.push(finding(
            "default_privileges_public",
            Severity::Warning,
            "default privileges",
            object,
            format!("tables {role} creates {scope} are granted to PUBLIC by default privileges: every new tenant table starts readable by every role"),
            Some(fix),
            Target::Other,
        ));
    }
}

pub fn security_definer_trigger(c: &Ctx, out: &mut Vec<Finding>) {
    for t in &c.ix.snap.objects.secdef_triggers {
        let Some(r) = c.ix.rel.get(&t.table).filter(|r| r.is_tenant_table()) else { continue };
        out.push(finding(
            "security_definer_trigger",
            Severity::Warning,
            "trigger",
            format!("{}.{}", r.qname, ddl::ident(&t.name)),
            format!(
                "trigger {} on {} calls SECURITY DEFINER function {}, which runs as {} on every write: its queries are checked against that role's policies (or none, if it owns the tables without FORCE, has BYPASSRLS or is a superuser), not the writing tenant's",
                ddl::ident(&t.name),
                r.qname,
                t.function,
                c.ix.role_name(t.function_owner)
            ),
            None,
            Target::Relation(r.oid),
        ));
    }
}

pub fn policy_function_misdeclared(c: &Ctx, out: &mut Vec<Finding>) {
    let readers = &c.ix.snap.objects.session_readers;
    if readers.is_empty() {
        return;
    }
    let mut seen: Vec<Oid> = Vec::new();
    for (r, _, p) in c.tenant_policies() {
        for f in &c.info(p).calls {
            let Some((sig, declared)) = readers.get(f) else { continue };
            if seen.contains(f) {
                continue;
            }
            seen.push(*f);
            let fix = match (declared.contains("IMMUTABLE"), declared.contains("LEAKPROOF")) {
                (true, true) => format!("ALTER FUNCTION {sig} STABLE NOT LEAKPROOF"),
                (true, false) => format!("ALTER FUNCTION {sig} STABLE"),
                _ => format!("ALTER FUNCTION {sig} NOT LEAKPROOF"),
            };
            out.push(finding(
                "policy_function_misdeclared",
                Severity::Error,
                "function",
                sig.clone(),
                format!(
                    "function {sig}, called by policy {} on {}, reads session state but is declared {declared}: PostgreSQL may evaluate it once when planning and keep the result in a cached plan another tenant's request reuses (or push it below security barriers)",
                    p.qname, r.qname
                ),
                Some(fix),
                Target::Other,
            ));
        }
    }
}
