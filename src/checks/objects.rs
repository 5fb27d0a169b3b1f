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

/// An object that runs queries as a tenant table's owner, and the tables FORCE subjects it to.
pub struct OwnerObject<'a> {
    pub kind: &'static str,
    pub name: String,
    pub target: Target,
    pub owner: Oid,
    pub tables: Vec<&'a Relation>,
}

/// What FORCE ROW LEVEL SECURITY does beyond the table: its owner becomes subject to the
/// policies, and so does every object that runs queries as that owner — a materialized view's
/// REFRESH, a view without security_invoker, a SECURITY DEFINER function. `forced` picks the
/// tables considered (all tenant tables for the audit; the ones a plan forces for rls_fix).
/// Owners that are superusers or BYPASSRLS are never subject to policies.
pub fn owner_objects<'a>(c: &Ctx<'a>, forced: impl Fn(&Relation) -> bool) -> Vec<OwnerObject<'a>> {
    let subject = |t: &Relation| {
        t.is_tenant_table() && forced(t) && c.ix.role.get(&t.owner).is_some_and(|o| !o.superuser && !o.bypassrls)
    };
    let mut out = Vec::new();
    for v in
        c.ix.snap
            .relations
            .iter()
            .filter(|r| r.kind == RelKind::MatView || (r.kind == RelKind::View && !r.security_invoker))
    {
        let tables: Vec<&Relation> =
            c.tenant_tables_read(v).into_iter().filter(|t| t.owner == v.owner && subject(t)).collect();
        if !tables.is_empty() {
            let kind = if v.kind == RelKind::MatView { "materialized view" } else { "view" };
            out.push(OwnerObject {
                kind,
                name: v.qname.clone(),
                target: Target::Relation(v.oid),
                owner: v.owner,
                tables,
            });
        }
    }
    for f in c.ix.snap.functions.iter().filter(|f| f.security_definer) {
        let mut tables: Vec<&Relation> = f
            .reads
            .iter()
            .filter_map(|o| c.ix.rel.get(o).copied())
            .filter(|t| t.owner == f.owner && subject(t))
            .collect();
        tables.sort_by(|a, b| a.qname.cmp(&b.qname));
        if !tables.is_empty() {
            out.push(OwnerObject {
                kind: "function",
                name: f.signature.clone(),
                target: Target::Other,
                owner: f.owner,
                tables,
            });
        }
    }
    out
}

impl OwnerObject<'_> {
    /// What happens to it, and the remedy.
    pub fn effect(&self, c: &Ctx) -> String {
        let owner = c.ix.role_name(self.owner);
        let q = &self.name;
        match self.kind {
            "materialized view" => format!(
                "REFRESH MATERIALIZED VIEW {q} runs as {owner}: it stores only the rows of the tenant set in the refreshing session (none without one: the view is silently emptied), and pg_restore (row_security = off) fails with \"query would be affected by row-level security policy\". Remedy: give it to a reporting role that has BYPASSRLS and is listed in rls_fixer.bypass_roles (with SELECT on the tables; ALTER MATERIALIZED VIEW {q} OWNER TO …; keep it unreadable by app roles), or keep one materialized view per tenant"
            ),
            "view" => format!(
                "view {q} reads as its owner {owner} (no security_invoker): it returns only the rows of the session's tenant (none without one), to every caller. Remedy: security_invoker (rls_fix sets it, see view_bypasses_rls), so each caller's own rights apply"
            ),
            _ => format!(
                "SECURITY DEFINER function {q} sees only the rows of the caller's tenant (none without one) and fails under row_security = off. Remedy: if it must see every tenant (maintenance, reporting), give it to a role with BYPASSRLS that app roles cannot execute it as; if it serves one tenant, this is what you want"
            ),
        }
    }
}

pub fn force_affects_owner_objects(c: &Ctx, out: &mut Vec<Finding>) {
    // a role that may own reports: listed in rls_fixer.bypass_roles and BYPASSRLS (or superuser)
    let reporting = c
        .bypass_roles
        .iter()
        .filter_map(|o| c.ix.role.get(o))
        .filter(|r| r.bypassrls || r.superuser)
        .map(|r| r.qname.clone())
        .min();
    for o in owner_objects(c, |_| true) {
        let names = |forced: bool| -> Vec<&str> {
            o.tables.iter().filter(|t| (t.rls_enabled && t.rls_forced) == forced).map(|t| t.qname.as_str()).collect()
        };
        let (done, pending) = (names(true), names(false));
        let when = match (done.is_empty(), pending.is_empty()) {
            (false, true) => format!("FORCE ROW LEVEL SECURITY on {} subjects", done.join(", ")),
            (true, _) => {
                format!("once rls_fix forces row-level security on {}, FORCE will subject", pending.join(", "))
            }
            (false, false) => format!(
                "FORCE ROW LEVEL SECURITY on {} (and, once rls_fix forces it, on {}) subjects",
                done.join(", "),
                pending.join(", ")
            ),
        };
        let fix = match (o.kind, &reporting) {
            ("materialized view", Some(r)) => Some(format!("ALTER MATERIALIZED VIEW {} OWNER TO {r}", o.name)),
            _ => None,
        };
        out.push(finding(
            "force_affects_owner_objects",
            Severity::Warning,
            o.kind,
            o.name.clone(),
            format!(
                "{when} {}, who owns the {kind}, to the tables' policies: {}",
                c.ix.role_name(o.owner),
                o.effect(c),
                kind = o.kind
            ),
            fix,
            o.target,
        ));
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
    for f in c.ix.snap.functions.iter().filter(|f| f.security_definer && !f.search_path_pinned()) {
        let what = match &f.search_path {
            None => "has no pinned search_path".to_string(),
            Some(v) => format!("pins search_path = {v}, which does not list pg_temp last (unlisted, pg_temp is searched first for tables and views)"),
        };
        out.push(finding("function_search_path_mutable", Severity::Warning, "function", f.signature.clone(),
            format!("SECURITY DEFINER function {} {what}: a caller can create objects that shadow the ones it uses and run code as {}", f.signature, c.ix.role_name(f.owner)),
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
