//! Unit tests for every check and the plan: snapshots built by hand, no PostgreSQL.
//! Each check has a positive case (it fires where planted) and a negative one (it does not
//! fire on the safe variant).

use super::*;
use crate::analysis::write::*;
use crate::analysis::Expr;
use crate::config::Config;
use crate::error::ConfigError;
use crate::plan;
use crate::snapshot::*;

/// `tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')` (column 2)
fn good() -> Expr {
    eq(col(2), nullif(setting("app.current_tenant_id", true), lit("")))
}

/// A policy expression as PostgreSQL stores it (node-tree text).
fn t(e: Expr) -> Option<Tree> {
    Some(tree(&e).into())
}

fn role(oid: Oid, name: &str, login: bool) -> Role {
    Role { oid, name: name.into(), qname: name.into(), superuser: false, bypassrls: false, login, member_of: vec![] }
}

fn table(oid: Oid, name: &str, tenant: bool) -> Relation {
    Relation {
        oid,
        schema: "app".into(),
        name: name.into(),
        qname: format!("app.{name}"),
        kind: RelKind::Table,
        rls_enabled: true,
        rls_forced: true,
        is_partition: false,
        parent: None,
        owner: 10,
        tenant: tenant.then(|| TenantColumn {
            name: "tenant_id".into(),
            qname: "tenant_id".into(),
            attnum: 2,
            type_name: "text".into(),
            eq_op: None,
            virtual_generated: None,
            not_null: true,
            indexed: true,
        }),
        security_invoker: false,
        grantees: vec![100],
        writers: vec![100],
        truncaters: vec![],
        reads: vec![],
        tenant_xmin: None,
    }
}

fn policy(
    table: Oid,
    name: &str,
    cmd: PolicyCmd,
    permissive: bool,
    using: Option<Tree>,
    check: Option<Tree>,
) -> Policy {
    Policy { oid: 0, table, name: name.into(), qname: name.into(), cmd, permissive, roles: vec![0], using, check }
}

/// A fully protected tenant table `app.t` (oid 1), app role `app` (oid 100), superuser postgres (10).
fn safe() -> Snapshot {
    let mut pg = role(10, "postgres", true);
    pg.superuser = true;
    Snapshot {
        server_version_num: 150020,
        catalog: Catalog::builtin(),
        objects: Objects::default(),
        relations: vec![table(1, "t", true)],
        policies: vec![policy(1, "iso", PolicyCmd::All, true, t(good()), None)],
        roles: vec![pg, role(100, "app", true)],
        functions: vec![],
        constraints: vec![],
        citus: None,
    }
}

fn audit(snap: &Snapshot, cfg: &Config) -> Result<Vec<Finding>, ConfigError> {
    let c = Ctx::new(snap, cfg)?;
    Ok(run_all(&c))
}

/// The findings, leaving out `tenant_context_spoofable`: in the default (setting) mode every
/// database with tenant policies has it once; `context_mode_checks` tests it.
fn run(s: &Snapshot) -> Vec<Finding> {
    audit(s, &Config::default())
        .expect("config ok")
        .into_iter()
        .filter(|f| f.check_name != "tenant_context_spoofable")
        .collect()
}

fn names(f: &[Finding]) -> Vec<(&'static str, String)> {
    f.iter().map(|f| (f.check_name, f.object_name.clone())).collect()
}

fn fired(f: &[Finding], check: &str) -> Vec<String> {
    f.iter().filter(|x| x.check_name == check).map(|x| x.object_name.clone()).collect()
}

#[test]
fn safe_snapshot_is_clean() {
    let f = run(&safe());
    assert!(f.is_empty(), "{:?}", names(&f));
}

#[test]
fn rls_disabled_and_not_forced() {
    let mut s = safe();
    s.relations[0].rls_enabled = false;
    s.relations[0].rls_forced = false;
    s.relations.push(table(2, "plain", false));
    s.relations[1].rls_enabled = false;
    let f = run(&s);
    assert_eq!(fired(&f, "rls_disabled"), vec!["app.t"]);
    assert_eq!(fired(&f, "rls_not_forced"), vec!["app.t"]);
    // a table without tenant_id is skipped, never rls_disabled
    assert_eq!(fired(&f, "table_skipped"), vec!["app.plain"]);
    assert_eq!(
        f.iter().find(|x| x.check_name == "rls_disabled").unwrap().fix_sql.as_deref(),
        Some("ALTER TABLE app.t ENABLE ROW LEVEL SECURITY")
    );
}

#[test]
fn tenant_policy_missing() {
    let mut s = safe();
    s.policies.clear();
    assert_eq!(fired(&run(&s), "tenant_policy_missing"), vec!["app.t"]);
    // a SELECT-only tenant policy leaves writes uncovered
    s.policies.push(policy(1, "sel", PolicyCmd::Select, true, t(good()), None));
    let f = run(&s);
    assert_eq!(fired(&f, "tenant_policy_missing"), vec!["app.t"]);
    assert!(f[0].detail.contains("INSERT, UPDATE, DELETE"), "{}", f[0].detail);
}

#[test]
fn policy_without_rls() {
    let mut s = safe();
    s.relations[0].rls_enabled = false;
    let mut plain = table(2, "plain", false);
    plain.rls_enabled = false;
    s.relations.push(plain);
    s.policies.push(policy(2, "p", PolicyCmd::All, true, t(Expr::Bool(true)), None));
    let f = run(&s);
    assert_eq!(fired(&f, "policy_without_rls"), vec!["app.plain", "app.t"]);
    s.relations[0].rls_enabled = true;
    s.relations[1].rls_enabled = true;
    assert!(fired(&run(&s), "policy_without_rls").is_empty());
}

#[test]
fn permissive_policy_unscoped_and_floor() {
    let mut s = safe();
    s.policies.push(policy(1, "all_rows", PolicyCmd::Select, true, t(Expr::Bool(true)), None));
    let f = run(&s);
    assert_eq!(fired(&f, "permissive_policy_unscoped"), vec!["app.t.all_rows"]);
    assert!(f[0].fix_sql.as_deref().unwrap().contains("AS RESTRICTIVE"));
    // a restrictive tenant floor neutralises it
    s.policies.push(policy(1, "floor", PolicyCmd::All, false, t(good()), None));
    assert!(fired(&run(&s), "permissive_policy_unscoped").is_empty());
    // a policy for a non-app role does not reach the app
    let mut s = safe();
    let mut admin_only = policy(1, "admin_all", PolicyCmd::All, true, t(Expr::Bool(true)), None);
    admin_only.roles = vec![10];
    s.policies.push(admin_only);
    assert!(fired(&run(&s), "permissive_policy_unscoped").is_empty());
}

#[test]
fn policy_fail_open() {
    let mut s = safe();
    let st = setting("app.current_tenant_id", true);
    s.policies[0].using = t(or(vec![is_null(st.clone(), false), eq(col(2), st)]));
    let f = run(&s);
    assert_eq!(fired(&f, "policy_fail_open"), vec!["app.t.iso"]);
    assert!(fired(&f, "permissive_policy_unscoped").is_empty(), "fail-open is its own finding");
    let mut s = safe();
    s.policies[0].using =
        t(eq(col(2), coalesce(vec![nullif(setting("app.current_tenant_id", true), lit("")), col(2)])));
    assert_eq!(fired(&run(&s), "policy_fail_open"), vec!["app.t.iso"]);
    assert!(fired(&run(&safe()), "policy_fail_open").is_empty());
}

#[test]
fn write_check_missing() {
    let mut s = safe();
    s.policies[0].check = t(Expr::Bool(true));
    assert_eq!(fired(&run(&s), "write_check_missing"), vec!["app.t.iso"]);
    let mut s = safe();
    s.policies[0].cmd = PolicyCmd::Select;
    s.policies.push(policy(1, "ins", PolicyCmd::Insert, true, None, t(Expr::Bool(true))));
    s.policies.push(policy(1, "upd", PolicyCmd::Update, true, t(good()), t(good())));
    s.policies.push(policy(1, "del", PolicyCmd::Delete, true, t(good()), None));
    let f = run(&s);
    assert_eq!(fired(&f, "write_check_missing"), vec!["app.t.ins"]);
    s.policies[1].check = t(good());
    assert!(fired(&run(&s), "write_check_missing").is_empty());
}

#[test]
fn policy_setting_mismatch() {
    let mut s = safe();
    s.policies[0].using = t(eq(col(2), setting("app.tenant", true)));
    assert_eq!(fired(&run(&s), "policy_setting_mismatch"), vec!["app.t.iso"]);
    assert!(fired(&run(&safe()), "policy_setting_mismatch").is_empty());
}

#[test]
fn policy_not_sargable() {
    let mut s = safe();
    s.policies[0].using = t(eq(cast(col(2), true), setting("app.current_tenant_id", true)));
    assert_eq!(fired(&run(&s), "policy_not_sargable"), vec!["app.t.iso"]);
    let mut s = safe();
    s.policies[0].using = t(and(vec![good(), eq(func(1598, vec![]), func(1598, vec![]))]));
    assert_eq!(fired(&run(&s), "policy_not_sargable"), vec!["app.t.iso"]);
    assert!(fired(&run(&safe()), "policy_not_sargable").is_empty());
}

#[test]
fn policy_errors_without_tenant() {
    let mut s = safe();
    s.relations[0].tenant.as_mut().unwrap().type_name = "uuid".into();
    s.policies[0].using = t(eq(col(2), cast(setting("app.current_tenant_id", true), false)));
    assert_eq!(fired(&run(&s), "policy_errors_without_tenant"), vec!["app.t.iso"]);
    s.policies[0].using = t(eq(col(2), cast(nullif(setting("app.current_tenant_id", true), lit("")), false)));
    assert!(fired(&run(&s), "policy_errors_without_tenant").is_empty());
}

#[test]
fn index_and_nullable() {
    let mut s = safe();
    s.relations[0].tenant.as_mut().unwrap().indexed = false;
    s.relations[0].tenant.as_mut().unwrap().not_null = false;
    let f = run(&s);
    assert_eq!(fired(&f, "tenant_index_missing"), vec!["app.t"]);
    assert_eq!(fired(&f, "tenant_column_nullable"), vec!["app.t"]);
    assert!(run(&safe())
        .iter()
        .all(|x| x.check_name != "tenant_index_missing" && x.check_name != "tenant_column_nullable"));
}

#[test]
fn partition_and_inheritance_children() {
    let mut s = safe();
    s.relations[0].kind = RelKind::Partitioned;
    let mut part = table(2, "t_2026", true);
    part.is_partition = true;
    part.parent = Some(1);
    part.rls_enabled = false;
    part.rls_forced = false;
    s.relations.push(part);
    let mut child = table(3, "t_legacy", true);
    child.parent = Some(1);
    s.relations.push(child);
    let f = run(&s);
    assert_eq!(fired(&f, "partition_unprotected"), vec!["app.t_2026"]);
    assert_eq!(fired(&f, "inheritance_child_unprotected"), vec!["app.t_legacy"]);
    // children are not also reported as top-level tables
    assert!(fired(&f, "rls_disabled").is_empty());
    // protect both: nothing left
    s.relations[1].rls_enabled = true;
    s.relations[1].rls_forced = true;
    s.policies.push(policy(2, "iso", PolicyCmd::All, true, t(good()), None));
    s.policies.push(policy(3, "iso", PolicyCmd::All, true, t(good()), None));
    assert!(run(&s).is_empty(), "{:?}", names(&run(&s)));
}

#[test]
fn view_bypasses_rls_through_nested_views() {
    let mut s = safe();
    let mut v1 = table(2, "v1", false);
    v1.kind = RelKind::View;
    v1.reads = vec![1];
    let mut v2 = table(3, "v2", false);
    v2.kind = RelKind::View;
    v2.reads = vec![2];
    v2.security_invoker = false;
    s.relations.push(v1);
    s.relations.push(v2);
    let f = run(&s);
    assert_eq!(fired(&f, "view_bypasses_rls"), vec!["app.v1", "app.v2"]);
    s.relations[1].security_invoker = true;
    s.relations[2].security_invoker = true;
    assert!(fired(&run(&s), "view_bypasses_rls").is_empty());
}

#[test]
fn matview_exposes_tenant_data() {
    let mut s = safe();
    let mut m = table(2, "m", false);
    m.kind = RelKind::MatView;
    m.reads = vec![1];
    s.relations.push(m);
    let f = run(&s);
    assert_eq!(fired(&f, "matview_exposes_tenant_data"), vec!["app.m"]);
    assert_eq!(
        f.iter().find(|x| x.check_name == "matview_exposes_tenant_data").unwrap().fix_sql.as_deref(),
        Some("REVOKE SELECT ON app.m FROM app")
    );
    s.relations[1].grantees = vec![];
    assert!(fired(&run(&s), "matview_exposes_tenant_data").is_empty());
}

#[test]
fn force_affects_owner_objects() {
    // app.t and its reports owned by the non-superuser `owner` (50)
    let mut s = safe();
    s.roles.push(role(50, "owner", false));
    s.relations[0].owner = 50;
    let mut m = table(2, "m", false);
    m.kind = RelKind::MatView;
    m.reads = vec![1];
    m.owner = 50;
    m.grantees = vec![];
    let mut v = table(3, "v", false);
    v.kind = RelKind::View;
    v.reads = vec![1];
    v.owner = 50;
    v.grantees = vec![];
    v.security_invoker = true;
    s.relations.extend([m, v]);
    s.functions.push(Function {
        oid: 5,
        signature: "app.totals()".into(),
        owner: 50,
        security_definer: true,
        search_path: Some("pg_catalog, pg_temp".into()),
        executors: vec![50],
        reads: vec![1],
    });
    let f = run(&s);
    assert_eq!(fired(&f, "force_affects_owner_objects"), vec!["app.m", "app.totals()"]);
    let m_finding = f.iter().find(|x| x.object_name == "app.m").unwrap();
    assert!(m_finding.detail.starts_with("FORCE ROW LEVEL SECURITY on app.t subjects owner"), "{}", m_finding.detail);
    assert!(m_finding.detail.contains("pg_restore"), "{}", m_finding.detail);
    assert_eq!(m_finding.fix_sql, None, "no reporting role configured");
    // before the fix: the same objects, said in the future tense
    s.relations[0].rls_forced = false;
    let before = run(&s);
    assert_eq!(fired(&before, "force_affects_owner_objects"), vec!["app.m", "app.totals()"]);
    assert!(before.iter().any(|x| x.detail.starts_with("once rls_fix forces row-level security on app.t")));
    s.relations[0].rls_forced = true;
    // a view without security_invoker reads as its owner too
    s.relations[2].security_invoker = false;
    assert!(fired(&run(&s), "force_affects_owner_objects").contains(&"app.v".to_string()));
    s.relations[2].security_invoker = true;
    // a reporting role in bypass_roles is suggested as the materialized view's owner
    let mut reporting = role(60, "reporting", false);
    reporting.bypassrls = true;
    s.roles.push(reporting);
    let cfg = Config { bypass_roles: vec!["reporting".into()], ..Config::default() };
    let f = audit(&s, &cfg).unwrap();
    assert_eq!(
        f.iter()
            .find(|x| x.check_name == "force_affects_owner_objects" && x.object_name == "app.m")
            .unwrap()
            .fix_sql
            .as_deref(),
        Some("ALTER MATERIALIZED VIEW app.m OWNER TO reporting")
    );
    // negatives: an owner with BYPASSRLS is never subject; objects of another owner are not affected
    s.roles.iter_mut().find(|r| r.oid == 50).unwrap().bypassrls = true;
    assert!(fired(&run(&s), "force_affects_owner_objects").is_empty());
    s.roles.iter_mut().find(|r| r.oid == 50).unwrap().bypassrls = false;
    s.relations[1].owner = 10;
    s.functions[0].owner = 10;
    assert!(fired(&run(&s), "force_affects_owner_objects").is_empty());
}

#[test]
fn security_definer_and_search_path() {
    let mut s = safe();
    s.functions.push(Function {
        oid: 5,
        signature: "app.peek()".into(),
        owner: 10,
        security_definer: true,
        search_path: None,
        executors: vec![0],
        reads: vec![1],
    });
    s.functions.push(Function {
        oid: 6,
        signature: "app.safe()".into(),
        owner: 10,
        security_definer: true,
        search_path: Some("pg_catalog, pg_temp".into()),
        executors: vec![10],
        reads: vec![1],
    });
    let f = run(&s);
    assert_eq!(fired(&f, "security_definer_function"), vec!["app.peek()"]);
    assert_eq!(fired(&f, "function_search_path_mutable"), vec!["app.peek()"]);
}

#[test]
fn roles() {
    let mut s = safe();
    s.roles[1].bypassrls = true;
    let mut su = role(101, "app_su", true);
    su.superuser = true;
    s.roles.push(su);
    s.relations[0].grantees = vec![100, 101];
    let mut group = role(102, "migrator", false);
    group.bypassrls = true;
    s.roles.push(group);
    let mut member = role(103, "app2", true);
    member.member_of = vec![102];
    s.roles.push(member);
    s.relations[0].grantees.push(103);
    let f = run(&s);
    assert_eq!(fired(&f, "role_bypassrls"), vec!["app"]);
    assert_eq!(fired(&f, "role_superuser"), vec!["app_su"]);
    assert_eq!(fired(&f, "role_can_assume_bypass"), vec!["app2"]);
    // the bootstrap superuser is never an app role
    assert!(!fired(&f, "role_superuser").contains(&"postgres".to_string()));
    // listed bypass roles are exempt
    let cfg = Config { bypass_roles: vec!["app".into()], ..Config::default() };
    assert!(audit(&s, &cfg).unwrap().iter().all(|x| x.object_name != "app"));
}

#[test]
fn role_owns_tenant_table() {
    let mut s = safe();
    s.relations[0].owner = 100;
    let f = run(&s);
    let o: Vec<&Finding> = f.iter().filter(|x| x.check_name == "role_owns_tenant_table").collect();
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].severity, Severity::Warning, "FORCEd: warning");
    s.relations[0].rls_forced = false;
    let f = run(&s);
    assert_eq!(f.iter().find(|x| x.check_name == "role_owns_tenant_table").unwrap().severity, Severity::Error);
}

#[test]
fn constraints() {
    let mut s = safe();
    let mut other = table(2, "other", true);
    other.tenant.as_mut().unwrap().attnum = 3;
    s.relations.push(other);
    s.policies.push(policy(2, "iso", PolicyCmd::All, true, t(good()), None));
    s.constraints.push(Constraint {
        table: 1,
        name: "t_pkey".into(),
        qname: "app.t.t_pkey".into(),
        kind: ConstraintKind::Primary,
        columns: vec![1],
        ref_table: None,
        ref_columns: vec![],
        predicate: None,
    });
    s.constraints.push(Constraint {
        table: 1,
        name: "t_uq".into(),
        qname: "app.t.t_uq".into(),
        kind: ConstraintKind::Unique,
        columns: vec![2, 1],
        ref_table: None,
        ref_columns: vec![],
        predicate: None,
    });
    s.constraints.push(Constraint {
        table: 2,
        name: "fk_bad".into(),
        qname: "app.other.fk_bad".into(),
        kind: ConstraintKind::Foreign,
        columns: vec![1],
        ref_table: Some(1),
        ref_columns: vec![1],
        predicate: None,
    });
    s.constraints.push(Constraint {
        table: 2,
        name: "fk_good".into(),
        qname: "app.other.fk_good".into(),
        kind: ConstraintKind::Foreign,
        columns: vec![3, 1],
        ref_table: Some(1),
        ref_columns: vec![2, 1],
        predicate: None,
    });
    let f = run(&s);
    assert_eq!(fired(&f, "unique_not_tenant_scoped"), vec!["app.t.t_pkey"]);
    assert_eq!(fired(&f, "foreign_key_not_tenant_scoped"), vec!["app.other.fk_bad"]);
}

#[test]
fn server_version() {
    let mut s = safe();
    s.server_version_num = 150008;
    assert_eq!(fired(&run(&s), "server_version_vulnerable"), vec!["15.8"]);
    s.server_version_num = 150019;
    assert!(fired(&run(&s), "server_version_vulnerable").is_empty());
    s.server_version_num = 170005;
    assert_eq!(fired(&run(&s), "server_version_vulnerable"), vec!["17.5"]);
    // 18.6 is the first 18 with every fix of the table
    s.server_version_num = 180005;
    assert_eq!(fired(&run(&s), "server_version_vulnerable"), vec!["18.5"]);
    s.server_version_num = 180006;
    assert!(fired(&run(&s), "server_version_vulnerable").is_empty());
}

/// A virtual generated tenant column (18) cannot be indexed: the suggested index is on its
/// expression, and rls_fix plans no index either way.
#[test]
fn virtual_generated_tenant_column_gets_an_expression_index() {
    let mut s = safe();
    let t = s.relations[0].tenant.as_mut().unwrap();
    t.indexed = false;
    t.virtual_generated = Some("((payload ->> 't'::text))::integer".into());
    let f = run(&s);
    let x = f.iter().find(|f| f.check_name == "tenant_index_missing").expect("tenant_index_missing");
    assert_eq!(x.fix_sql.as_deref(), Some("CREATE INDEX CONCURRENTLY ON app.t ((((payload ->> 't'::text))::integer))"));
    assert!(x.detail.contains("virtual generated column, which cannot be indexed"), "{}", x.detail);
    let cfg = Config::default();
    let c = Ctx::new(&s, &cfg).unwrap();
    assert!(plan::plan(&c, &run_all(&c)).iter().all(|st| !st.statement.contains("CREATE INDEX")));
    // a plain column: the column itself
    s.relations[0].tenant.as_mut().unwrap().virtual_generated = None;
    let f = run(&s);
    let x = f.iter().find(|f| f.check_name == "tenant_index_missing").unwrap();
    assert_eq!(x.fix_sql.as_deref(), Some("CREATE INDEX CONCURRENTLY ON app.t (tenant_id)"));
}

/// The finding names exactly the CVEs the running version lacks, per branch.
#[test]
fn server_version_names_the_missing_cves() {
    let ids = |v: i32| -> Vec<&str> { super::server::missing_fixes(v).iter().map(|(c, _)| c.id).collect() };
    // 15.3: CVE-2023-2455 fixed; MERGE (15.4) and the later three not
    assert_eq!(ids(150003), ["CVE-2023-39418", "CVE-2024-10976", "CVE-2025-8713", "CVE-2026-14666"]);
    assert_eq!(ids(150014), ["CVE-2026-14666"]);
    // MERGE is 15+: 14 never had CVE-2023-39418
    assert_eq!(ids(140008), ["CVE-2024-10976", "CVE-2025-8713", "CVE-2026-14666"]);
    // 16.0 and 18.0 were released with the fixes of their time
    assert_eq!(ids(160000), ["CVE-2024-10976", "CVE-2025-8713", "CVE-2026-14666"]);
    assert_eq!(ids(180000), ["CVE-2026-14666"]);
    assert!(ids(180006).is_empty());
    // 13 was out of support when CVE-2026-14666 was fixed: no 13 release has it
    let m = super::server::missing_fixes(130023);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].0.id, m[0].1), ("CVE-2026-14666", None));
    let mut s = safe();
    s.server_version_num = 130023;
    let f = run(&s);
    let d = &f.iter().find(|f| f.check_name == "server_version_vulnerable").unwrap().detail;
    assert!(d.contains("CVE-2026-14666 (no 13 release fixes it"), "{d}");
    s.server_version_num = 170010;
    let f = run(&s);
    let d = &f.iter().find(|f| f.check_name == "server_version_vulnerable").unwrap().detail;
    assert!(d.starts_with("PostgreSQL 17.10 lacks the fixes for RLS-related CVE-2026-14666 (fixed in 17.11"), "{d}");
    // every branch's fix levels ascend with the major, and each CVE names its fixes in order
    for c in super::server::RLS_CVES {
        assert!(c.fixed.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{}", c.id);
        assert!(c.fixed.iter().all(|(m, v)| v / 10000 == *m && *m >= c.since_major), "{}", c.id);
    }
}

#[test]
fn unknown_roles_in_settings_are_config_errors() {
    let cfg = Config { app_roles: Some(vec!["nobody".into()]), ..Config::default() };
    let e = audit(&safe(), &cfg).unwrap_err();
    assert_eq!(e.guc, "rls_fixer.app_roles");
    assert!(e.message.contains("nobody"));
    let cfg = Config { bypass_roles: vec!["ghost".into()], ..Config::default() };
    assert_eq!(audit(&safe(), &cfg).unwrap_err().guc, "rls_fixer.bypass_roles");
}

#[test]
fn ordering_errors_first_then_object() {
    let mut s = safe();
    s.relations[0].tenant.as_mut().unwrap().indexed = false;
    let mut b = table(2, "b", true);
    b.rls_forced = false;
    s.relations.push(b);
    s.policies.push(policy(2, "iso", PolicyCmd::All, true, t(good()), None));
    s.relations.push(table(3, "a_plain", false));
    let f = run(&s);
    let sev: Vec<Severity> = f.iter().map(|x| x.severity).collect();
    assert_eq!(sev, vec![Severity::Error, Severity::Warning, Severity::Info]);
}

#[test]
fn plan_orders_and_dedups() {
    let mut s = safe();
    s.policies.clear();
    s.relations[0].rls_enabled = false;
    s.relations[0].rls_forced = false;
    s.roles[1].bypassrls = true;
    let cfg = Config::default();
    let c = Ctx::new(&s, &cfg).unwrap();
    let f = run_all(&c);
    let p = plan::plan(&c, &f);
    let stmts: Vec<&str> = p.iter().map(|a| a.statement.as_str()).collect();
    assert_eq!(stmts.len(), 4, "{stmts:?}");
    assert_eq!(
        stmts[0],
        "CREATE POLICY rls_fixer_tenant_isolation ON app.t AS PERMISSIVE FOR ALL TO PUBLIC \
         USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), ''))) \
         WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))"
    );
    assert_eq!(stmts[1], "ALTER TABLE app.t ENABLE ROW LEVEL SECURITY");
    assert_eq!(stmts[2], "ALTER TABLE app.t FORCE ROW LEVEL SECURITY");
    assert_eq!(stmts[3], "ALTER ROLE app NOBYPASSRLS");
    assert!(p[3].needs_superuser);
    assert_eq!(p[0].undo, "DROP POLICY rls_fixer_tenant_isolation ON app.t");
    // batching never splits an object
    let (b, rest) = plan::first_batch(&p, 1);
    assert_eq!(b.len(), 3);
    assert_eq!(rest, 1);
}

#[test]
fn plan_casts_to_column_type_and_avoids_name_clash() {
    let mut s = safe();
    s.relations[0].tenant.as_mut().unwrap().type_name = "uuid".into();
    s.policies = vec![policy(1, "rls_fixer_tenant_isolation", PolicyCmd::Select, true, t(Expr::Bool(true)), None)];
    let cfg = Config::default();
    let c = Ctx::new(&s, &cfg).unwrap();
    let p = plan::plan(&c, &run_all(&c));
    let iso = p.iter().find(|a| a.check_name == "tenant_policy_missing").unwrap();
    assert!(iso.statement.contains("rls_fixer_tenant_isolation_2"), "{}", iso.statement);
    assert!(
        iso.statement.contains("(SELECT (NULLIF(current_setting('app.current_tenant_id', true), ''))::uuid)"),
        "{}",
        iso.statement
    );
    assert!(p.iter().any(|a| a.statement.contains("rls_fixer_tenant_floor ON app.t AS RESTRICTIVE")));
}

#[test]
fn registry_names_are_unique_and_every_check_runs() {
    let mut names: Vec<&str> = REGISTRY.iter().map(|c| c.name).collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate check names");
    for c in REGISTRY {
        assert!(matches!(c.severity, "error" | "warning" | "info" | "error/warning"), "{}: {}", c.name, c.severity);
        assert!(!c.finds.is_empty(), "{} has no description", c.name);
    }
}

/// The README's check table is derived from the registry: same names, severities, order.
#[test]
fn readme_check_table_matches_registry() {
    let readme = include_str!("../../README.md");
    let start = readme.find("| check_name | severity |").expect("README has the check table");
    let rows: Vec<(String, String)> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_string(), cells[2].replace(' ', ""))
        })
        .collect();
    let registry: Vec<(String, String)> =
        REGISTRY.iter().map(|c| (c.name.to_string(), c.severity.to_string())).collect();
    assert_eq!(rows, registry, "README.md's check table and checks::REGISTRY disagree");
}

#[test]
fn context_mode_checks() {
    // setting mode: generated setting-form policies are spoofable, once per database
    let f = audit(&safe(), &Config::default()).unwrap();
    assert_eq!(fired(&f, "tenant_context_spoofable"), vec!["app.current_tenant_id"]);
    assert!(fired(&f, "generated_policy_outdated").is_empty());
    // protected mode: the same policy named as generated is outdated, and still spoofable
    let mut s = safe();
    s.policies[0].name = "rls_fixer_tenant_isolation".into();
    s.policies[0].qname = "rls_fixer_tenant_isolation".into();
    let protected_cfg = Config { context_mode: crate::config::ContextMode::Protected, ..Config::default() };
    let f = audit(&s, &protected_cfg).unwrap();
    assert_eq!(fired(&f, "generated_policy_outdated"), vec!["app.t.rls_fixer_tenant_isolation"]);
    assert_eq!(fired(&f, "tenant_context_spoofable"), vec!["app.current_tenant_id"]);
    let c = Ctx::new(&s, &protected_cfg).unwrap();
    let p = plan::plan(&c, &run_all(&c));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].statement.starts_with("DROP POLICY rls_fixer_tenant_isolation ON app.t; CREATE POLICY rls_fixer_tenant_isolation ON app.t AS PERMISSIVE"), "{}", p[0].statement);
    assert!(
        p[0].statement.contains("USING (tenant_id = rls_fixer.tenant()) WITH CHECK (tenant_id = rls_fixer.tenant())"),
        "{}",
        p[0].statement
    );
    assert!(p[0].undo.contains("NULLIF(current_setting('app.current_tenant_id', true), '')"), "{}", p[0].undo);
    // protected-form policy in protected mode: neither finding
    s.policies[0].using = t(eq(col(2), protected()));
    let f = audit(&s, &protected_cfg).unwrap();
    assert!(
        fired(&f, "generated_policy_outdated").is_empty() && fired(&f, "tenant_context_spoofable").is_empty(),
        "{:?}",
        names(&f)
    );
    // ... and outdated in setting mode, where current_tenant_id() reads the spoofable setting
    let f = audit(&s, &Config::default()).unwrap();
    assert_eq!(fired(&f, "generated_policy_outdated"), vec!["app.t.rls_fixer_tenant_isolation"]);
    s.policies[0].name = "hand_written".into();
    s.policies[0].using = t(eq(col(2), accessor()));
    assert_eq!(
        fired(&audit(&s, &Config::default()).unwrap(), "tenant_context_spoofable"),
        vec!["app.current_tenant_id"]
    );
    assert!(fired(&audit(&s, &protected_cfg).unwrap(), "tenant_context_spoofable").is_empty());
}

// ------------------------------------------------------------ soundness

#[test]
fn a_floor_for_another_role_protects_nothing_for_the_app() {
    let mut s = safe();
    s.policies.push(policy(1, "all_rows", PolicyCmd::Select, true, t(Expr::Bool(true)), None));
    let mut floor = policy(1, "floor", PolicyCmd::All, false, t(good()), None);
    floor.roles = vec![10];
    s.policies.push(floor);
    assert_eq!(fired(&run(&s), "permissive_policy_unscoped"), vec!["app.t.all_rows"]);
    s.policies[2].roles = vec![100];
    assert!(fired(&run(&s), "permissive_policy_unscoped").is_empty(), "a floor TO the app role counts");
}

#[test]
fn a_tenant_policy_for_another_role_covers_nothing_for_the_app() {
    let mut s = safe();
    s.policies[0].roles = vec![10];
    assert_eq!(fired(&run(&s), "tenant_policy_missing"), vec!["app.t"]);
}

#[test]
fn a_policy_on_another_setting_is_unscoped_for_the_configured_one() {
    let mut s = safe();
    s.policies[0].using = t(eq(col(2), setting("app.other_tenant", true)));
    let f = run(&s);
    assert_eq!(fired(&f, "tenant_policy_missing"), vec!["app.t"]);
    assert_eq!(fired(&f, "permissive_policy_unscoped"), vec!["app.t.iso"]);
    assert_eq!(fired(&f, "policy_setting_mismatch"), vec!["app.t.iso"]);
}

#[test]
fn a_length_coercion_of_the_setting_pins_nothing() {
    // tenant_id = current_setting(...)::character (char(1): 'AB' becomes 'A')
    let lossy = "{OPEXPR :opno 1054 :opresulttype 16 :args ({VAR :varno 1 :varattno 2 :varlevelsup 0} {FUNCEXPR :funcid 668 :funcresulttype 1042 :funcformat 1 :args ({RELABELTYPE :arg {FUNCEXPR :funcid 3294 :funcformat 0 :args ({CONST :consttype 25 :constlen -1 :constisnull false :constvalue 25 [ 100 0 0 0 97 112 112 46 99 117 114 114 101 110 116 95 116 101 110 97 110 116 95 105 100 ]} {CONST :consttype 16 :constlen 1 :constisnull false :constvalue 1 [ 1 0 0 0 0 0 0 0 ]})} :resulttype 1042} {CONST :consttype 23 :constlen 4 :constisnull false :constvalue 4 [ 5 0 0 0 0 0 0 0 ]} {CONST :consttype 16 :constlen 1 :constisnull false :constvalue 1 [ 1 0 0 0 0 0 0 0 ]})})}";
    let mut s = safe();
    s.policies[0].using = Some(lossy.into());
    let f = run(&s);
    assert_eq!(fired(&f, "tenant_policy_missing"), vec!["app.t"]);
    assert_eq!(fired(&f, "permissive_policy_unscoped"), vec!["app.t.iso"]);
}

// ------------------------------------------------------------ the checks added for accuracy

#[test]
fn update_moves_tenant_and_the_insert_path() {
    let mut s = safe();
    s.policies[0].cmd = PolicyCmd::Select;
    s.policies.push(policy(1, "upd", PolicyCmd::Update, true, t(good()), t(Expr::Bool(true))));
    s.policies.push(policy(1, "ins", PolicyCmd::Insert, true, None, t(good())));
    s.policies.push(policy(1, "del", PolicyCmd::Delete, true, t(good()), None));
    let f = run(&s);
    assert_eq!(fired(&f, "update_moves_tenant"), vec!["app.t.upd"]);
    assert!(fired(&f, "write_check_missing").is_empty(), "the insert path is checked");
    s.policies[1].check = t(good());
    assert!(fired(&run(&s), "update_moves_tenant").is_empty());
    // an ALL policy with WITH CHECK (true): both paths
    let mut s = safe();
    s.policies[0].check = t(Expr::Bool(true));
    let f = run(&s);
    assert_eq!(fired(&f, "update_moves_tenant"), vec!["app.t.iso"]);
    assert_eq!(fired(&f, "write_check_missing"), vec!["app.t.iso"]);
}

/// `tenant_id IN (SELECT tenant_id FROM app.members)`: a subquery reading relation `reads`.
fn membership_policy(reads: Oid) -> Option<Tree> {
    Some(format!(
        "{{SUBLINK :subLinkType 2 :testexpr {{OPEXPR :opno 98 :opresulttype 16 :args ({{VAR :varno 1 :varattno 2 :varlevelsup 0}} {{PARAM :paramkind 2}})}} :subselect {{QUERY :commandType 1 :rtable ({{RANGETBLENTRY :rtekind 0 :relid {reads} :relkind r}}) :jointree {{FROMEXPR :fromlist ({{RANGETBLREF :rtindex 1}}) :quals <>}} :targetList ({{TARGETENTRY :expr {{VAR :varno 1 :varattno 1 :varlevelsup 0}} :resno 1}})}}}}"
    ).into())
}

#[test]
fn policies_reading_other_tables() {
    let mut s = safe();
    let mut members = table(2, "members", false);
    members.rls_enabled = false;
    s.relations.push(members);
    s.policies.push(policy(1, "member", PolicyCmd::Select, true, membership_policy(2), None));
    // the app can write the membership table: forgeable, and (without RLS) readable in full
    let f = run(&s);
    assert_eq!(fired(&f, "policy_reads_writable_table"), vec!["app.t.member"]);
    assert_eq!(fired(&f, "policy_reads_unprotected_table"), vec!["app.t.member"]);
    // read-only but unprotected: every tenant sees every membership
    s.relations[1].writers = vec![];
    let f = run(&s);
    assert!(fired(&f, "policy_reads_writable_table").is_empty());
    assert_eq!(fired(&f, "policy_reads_unprotected_table"), vec!["app.t.member"]);
    // not readable by the app either: nothing to say
    s.relations[1].grantees = vec![];
    assert!(fired(&run(&s), "policy_reads_unprotected_table").is_empty());
}

#[test]
fn policy_recursion_through_two_tables_and_onto_itself() {
    let mut s = safe();
    s.relations.push(table(2, "members", true));
    s.policies.push(policy(1, "via_members", PolicyCmd::Select, true, membership_policy(2), None));
    s.policies.push(policy(2, "iso", PolicyCmd::All, true, t(good()), None));
    assert!(fired(&run(&s), "policy_recursion").is_empty(), "members' own policy does not read t");
    s.policies.push(policy(2, "via_t", PolicyCmd::Select, true, membership_policy(1), None));
    assert_eq!(fired(&run(&s), "policy_recursion"), vec!["app.members.via_t", "app.t.via_members"]);
    // a policy reading its own table
    let mut s = safe();
    s.policies.push(policy(1, "self", PolicyCmd::Select, true, membership_policy(1), None));
    assert_eq!(fired(&run(&s), "policy_recursion"), vec!["app.t.self"]);
    s.relations[0].rls_enabled = false;
    assert!(fired(&run(&s), "policy_recursion").is_empty(), "no RLS, no recursion");
}

#[test]
fn policy_function_misdeclared() {
    let mut s = safe();
    s.objects.session_readers.insert(777, ("app.my_tenant()".into(), "IMMUTABLE".into()));
    s.policies[0].using = t(eq(col(2), func(777, vec![])));
    let f = run(&s);
    assert_eq!(fired(&f, "policy_function_misdeclared"), vec!["app.my_tenant()"]);
    assert_eq!(
        f.iter().find(|x| x.check_name == "policy_function_misdeclared").unwrap().fix_sql.as_deref(),
        Some("ALTER FUNCTION app.my_tenant() STABLE")
    );
    assert!(fired(&run(&safe()), "policy_function_misdeclared").is_empty());
}

#[test]
fn grants_default_privileges_triggers_rules_publications() {
    let mut s = safe();
    s.relations[0].grantees.push(0);
    s.objects.default_acls.push(DefaultAcl { role: 10, schema: Some("app".into()) });
    s.objects.secdef_triggers.push(SecdefTrigger {
        table: 1,
        name: "audit".into(),
        function: "app.audit()".into(),
        function_owner: 10,
    });
    s.objects.rules.push((1, "copy_out".into()));
    s.objects.publications.push((Some(1), "to_warehouse".into()));
    let f = run(&s);
    assert_eq!(fired(&f, "tenant_table_public_grant"), vec!["app.t"]);
    assert_eq!(fired(&f, "default_privileges_public"), vec!["postgres in schema app"]);
    assert_eq!(fired(&f, "security_definer_trigger"), vec!["app.t.audit"]);
    assert_eq!(fired(&f, "tenant_table_rule"), vec!["app.t.copy_out"]);
    assert_eq!(fired(&f, "tenant_table_published"), vec!["app.t"]);
    // on a table without the tenant column: none of the table ones
    let mut s2 = s.clone();
    s2.relations[0].tenant = None;
    s2.policies.clear();
    let f = run(&s2);
    for check in
        ["tenant_table_public_grant", "security_definer_trigger", "tenant_table_rule", "tenant_table_published"]
    {
        assert!(fired(&f, check).is_empty(), "{check}");
    }
    // FOR ALL TABLES publications publish every tenant table
    let mut s3 = safe();
    s3.objects.publications.push((None, "everything".into()));
    assert_eq!(fired(&run(&s3), "tenant_table_published"), vec!["app.t"]);
}

#[test]
fn foreign_tenant_tables_and_row_security_off() {
    let mut s = safe();
    let mut f = table(2, "remote", true);
    f.kind = RelKind::Foreign;
    s.relations.push(f);
    s.objects.row_security_off.push(100);
    let found = run(&s);
    assert_eq!(fired(&found, "foreign_tenant_table"), vec!["app.remote"]);
    assert_eq!(fired(&found, "role_row_security_off"), vec!["app"]);
    assert!(fired(&run(&safe()), "role_row_security_off").is_empty());
}

// ------------------------------------------------------------ accuracy corpus fixes

#[test]
fn a_floor_covers_the_commands_it_names() {
    // FOR SELECT USING (true) next to a RESTRICTIVE FOR SELECT tenant floor: neutralised
    let mut s = safe();
    s.policies.push(policy(1, "reporting", PolicyCmd::Select, true, t(Expr::Bool(true)), None));
    s.policies.push(policy(1, "floor_read", PolicyCmd::Select, false, t(good()), None));
    let f = run(&s);
    assert!(fired(&f, "permissive_policy_unscoped").is_empty(), "{:?}", names(&f));
    // a FOR ALL USING (true) policy also opens UPDATE and DELETE, which a SELECT floor does not cover
    s.policies[1].cmd = PolicyCmd::All;
    assert_eq!(fired(&run(&s), "permissive_policy_unscoped"), vec!["app.t.reporting"]);
    // floors for every command it covers: neutralised again
    for (name, cmd) in
        [("floor_ins", PolicyCmd::Insert), ("floor_upd", PolicyCmd::Update), ("floor_del", PolicyCmd::Delete)]
    {
        s.policies.push(policy(
            1,
            name,
            cmd,
            false,
            if cmd == PolicyCmd::Insert { None } else { t(good()) },
            t(good()),
        ));
    }
    let f = run(&s);
    assert!(fired(&f, "permissive_policy_unscoped").is_empty(), "{:?}", names(&f));
    // a SELECT floor does not cover the INSERT path of a weak WITH CHECK
    let mut s = safe();
    s.policies[0].check = t(Expr::Bool(true));
    s.policies.push(policy(1, "floor_read", PolicyCmd::Select, false, t(good()), None));
    assert_eq!(fired(&run(&s), "write_check_missing"), vec!["app.t.iso"]);
}

#[test]
fn is_not_distinct_from_on_a_not_null_tenant_column() {
    let mut s = safe();
    let v = nullif(setting("app.current_tenant_id", true), lit(""));
    s.policies[0].using = t(cmp(crate::analysis::CmpOp::IsNotDistinct, col(2), v));
    let f = run(&s);
    assert!(fired(&f, "policy_fail_open").is_empty(), "NOT NULL: no row IS NULL");
    assert_eq!(fired(&f, "policy_not_sargable"), vec!["app.t.iso"], "IS NOT DISTINCT FROM is no index condition");
    s.relations[0].tenant.as_mut().unwrap().not_null = false;
    assert_eq!(fired(&run(&s), "policy_fail_open"), vec!["app.t.iso"], "nullable: the NULL rows match");
}

#[test]
fn policy_reads_a_protected_tenant_table_only_when_its_writes_are_pinned() {
    // app.t's policy gates on app.accounts (a FORCEd tenant table the app can write)
    let mut s = safe();
    s.relations.push(table(2, "accounts", true));
    s.policies.push(policy(1, "member", PolicyCmd::Select, true, membership_policy(2), None));
    // accounts pins the tenant of every row written: nothing of another tenant can be forged
    s.policies.push(policy(2, "iso", PolicyCmd::All, true, t(good()), None));
    assert!(fired(&run(&s), "policy_reads_writable_table").is_empty());
    // accounts scopes by owner instead: the app inserts a row for the victim's tenant
    s.policies[2].using = t(eq(col(4), func(745, vec![])));
    assert_eq!(fired(&run(&s), "policy_reads_writable_table"), vec!["app.t.member"]);
    // pinned reads but an unchecked INSERT path: still forgeable
    s.policies[2].using = t(good());
    s.policies[2].check = t(Expr::Bool(true));
    assert_eq!(fired(&run(&s), "policy_reads_writable_table"), vec!["app.t.member"]);
}

#[test]
fn tenant_table_truncate() {
    let mut s = safe();
    s.relations[0].truncaters = vec![100];
    let f = run(&s);
    assert_eq!(fired(&f, "tenant_table_truncate"), vec!["app.t"]);
    let x = f.iter().find(|x| x.check_name == "tenant_table_truncate").unwrap();
    assert_eq!(x.severity, Severity::Error);
    assert_eq!(x.fix_sql.as_deref(), Some("REVOKE TRUNCATE ON app.t FROM app"));
    // to PUBLIC, and through a group
    s.relations[0].truncaters = vec![0];
    assert_eq!(
        run(&s).iter().find(|x| x.check_name == "tenant_table_truncate").unwrap().fix_sql.as_deref(),
        Some("REVOKE TRUNCATE ON app.t FROM PUBLIC")
    );
    s.roles.push(role(101, "writers", false));
    s.roles[1].member_of = vec![101];
    s.relations[0].truncaters = vec![101];
    assert_eq!(fired(&run(&s), "tenant_table_truncate"), vec!["app.t"]);
    // negatives: the owner's own entry, a role that is no app role, no TRUNCATE at all
    s.relations[0].truncaters = vec![10];
    assert!(fired(&run(&s), "tenant_table_truncate").is_empty());
    s.roles.push(role(102, "etl", true));
    s.relations[0].truncaters = vec![102];
    let cfg = Config { app_roles: Some(vec!["app".into()]), ..Config::default() };
    assert!(fired(&audit(&s, &cfg).unwrap(), "tenant_table_truncate").is_empty());
    assert!(fired(&run(&safe()), "tenant_table_truncate").is_empty());
}

#[test]
fn unique_indexes_are_existence_oracles_too() {
    let uix = |name: &str, columns: Vec<i16>, predicate: Option<String>| Constraint {
        table: 1,
        name: name.into(),
        qname: format!("app.t.{name}"),
        kind: ConstraintKind::UniqueIndex,
        columns,
        ref_table: None,
        ref_columns: vec![],
        predicate,
    };
    let mut s = safe();
    s.constraints.push(uix("code_idx", vec![3], None));
    // an expression on the tenant column: lower('A') = lower('a') collide across two tenants
    s.constraints.push(uix("lower_idx", vec![0, 3], None));
    s.constraints.push(uix("scoped_idx", vec![2, 3], None));
    // partial: WHERE tenant_id = 'acme' holds one tenant's rows only
    s.constraints.push(uix("acme_idx", vec![3], t(eq(col(2), lit("acme"))).map(|x| x.to_string())));
    // partial on something else: still across tenants
    s.constraints.push(uix("active_idx", vec![3], t(eq(col(4), lit("yes"))).map(|x| x.to_string())));
    let f = run(&s);
    assert_eq!(fired(&f, "unique_not_tenant_scoped"), vec!["app.t.active_idx", "app.t.code_idx", "app.t.lower_idx"]);
    assert!(f.iter().filter(|x| x.check_name == "unique_not_tenant_scoped").all(|x| x.object_type == "index"));
}

#[test]
fn function_search_path_must_list_pg_temp_last() {
    use crate::snapshot::search_path_ends_with_pg_temp as ok;
    assert!(ok("pg_catalog, pg_temp"));
    assert!(ok("app, pg_catalog, \"pg_temp\""));
    assert!(!ok("pg_catalog"), "pg_temp unlisted is searched first for relations");
    assert!(!ok("pg_temp, pg_catalog"));
    assert!(!ok(""));
    assert!(!ok("\"\""));
    let mut s = safe();
    s.functions.push(Function {
        oid: 5,
        signature: "app.f()".into(),
        owner: 10,
        security_definer: true,
        search_path: Some("pg_catalog".into()),
        executors: vec![0],
        reads: vec![],
    });
    let f = run(&s);
    assert_eq!(fired(&f, "function_search_path_mutable"), vec!["app.f()"]);
    assert!(f[0].detail.contains("does not list pg_temp last"), "{}", f[0].detail);
    s.functions[0].search_path = Some("pg_catalog, pg_temp".into());
    assert!(fired(&run(&s), "function_search_path_mutable").is_empty());
}
