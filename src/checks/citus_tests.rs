//! Unit tests for the Citus checks (`citus.rs`) and the policy form Citus tables get: snapshots
//! built by hand with `Snapshot::citus` filled in, no PostgreSQL. Each check has a positive
//! case and a negative one; every check stays silent without Citus.

use std::collections::HashMap;

use super::*;
use crate::analysis::write::*;
use crate::config::{Config, ContextMode};
use crate::plan;
use crate::snapshot::*;

fn tenant_col() -> TenantColumn {
    TenantColumn {
        name: "tenant_id".into(),
        qname: "tenant_id".into(),
        attnum: 2,
        type_name: "text".into(),
        eq_op: None,
        not_null: true,
        indexed: true,
        virtual_generated: None,
    }
}

fn table(oid: Oid, name: &str) -> Relation {
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
        tenant: Some(tenant_col()),
        security_invoker: false,
        grantees: vec![100],
        writers: vec![100],
        truncaters: vec![],
        reads: vec![],
        tenant_xmin: None,
    }
}

fn policy(table: Oid, name: &str, e: crate::analysis::Expr) -> Policy {
    Policy {
        oid: 0,
        table,
        name: name.into(),
        qname: name.into(),
        cmd: PolicyCmd::All,
        permissive: true,
        roles: vec![0],
        using: Some(tree(&e).into()),
        check: None,
    }
}

fn bare() -> crate::analysis::Expr {
    eq(col(2), nullif(setting("app.current_tenant_id", true), lit("")))
}

fn role(oid: Oid, name: &str, superuser: bool) -> Role {
    Role { oid, name: name.into(), qname: name.into(), superuser, bypassrls: false, login: true, member_of: vec![] }
}

fn dist(column: &str, shards: i64) -> CitusTable {
    CitusTable { kind: CitusKind::Distributed, column: Some(column.into()), shards }
}

/// `app.orders` (oid 1) distributed by tenant_id with the bare-form policy, app role `app`.
fn cluster() -> Snapshot {
    Snapshot {
        server_version_num: 150020,
        catalog: Catalog::builtin(),
        objects: Objects::default(),
        relations: vec![table(1, "orders")],
        policies: vec![policy(1, "rls_fixer_tenant_isolation", bare())],
        roles: vec![role(10, "postgres", true), role(100, "app", false)],
        functions: vec![],
        constraints: vec![],
        citus: Some(Citus {
            version: "13.2-1".into(),
            tables: HashMap::from([(1, dist("tenant_id", 32))]),
            coordinator: true,
            propagate_settings: vec![(100, false, "local".into())],
            propagate_default: "none".into(),
            nodes: Some(vec![NodeShards {
                node: "w1:5432".into(),
                result: Ok(vec![ShardGroup {
                    schema: "app".into(),
                    name: "orders".into(),
                    shards: 16,
                    rls: 16,
                    forced: 16,
                    policy_sets: vec![("rls_fixer_tenant_isolation".into(), 16)],
                    diverging: vec![],
                }]),
            }]),
        }),
    }
}

fn audit(s: &Snapshot, cfg: &Config) -> Vec<Finding> {
    run_all(&Ctx::new(s, cfg).expect("config ok"))
}

fn fired(f: &[Finding], check: &str) -> Vec<(Severity, String)> {
    f.iter().filter(|x| x.check_name == check).map(|x| (x.severity, x.object_name.clone())).collect()
}

fn citus_findings(f: &[Finding]) -> Vec<&Finding> {
    f.iter().filter(|x| x.check_name.starts_with("citus_")).collect()
}

#[test]
fn healthy_cluster_is_clean() {
    let f = audit(&cluster(), &Config::default());
    assert!(citus_findings(&f).is_empty(), "{:?}", citus_findings(&f));
    assert!(f.iter().all(|x| x.severity != Severity::Error), "{f:?}");
}

#[test]
fn nothing_without_citus() {
    let mut s = cluster();
    s.relations[0].rls_forced = false;
    s.citus = None;
    assert!(citus_findings(&audit(&s, &Config::default())).is_empty());
}

#[test]
fn distributed_by_other_column() {
    let mut s = cluster();
    s.citus.as_mut().unwrap().tables.insert(1, dist("id", 4));
    let f = audit(&s, &Config::default());
    assert_eq!(fired(&f, "citus_distributed_by_other_column"), vec![(Severity::Warning, "app.orders".into())]);
    let x = f.iter().find(|x| x.check_name == "citus_distributed_by_other_column").unwrap();
    assert!(x.detail.contains("distributed by id") && x.detail.contains("all 4 shards"), "{}", x.detail);
    assert_eq!(
        x.fix_sql.as_deref(),
        Some("SELECT alter_distributed_table('app.orders', distribution_column := 'tenant_id')")
    );
    // negative: by the tenant column (the healthy cluster), or a table without it
    assert!(fired(&audit(&cluster(), &Config::default()), "citus_distributed_by_other_column").is_empty());
}

#[test]
fn reference_tenant_table() {
    let mut s = cluster();
    s.citus.as_mut().unwrap().tables.insert(1, CitusTable { kind: CitusKind::Reference, column: None, shards: 1 });
    let f = audit(&s, &Config::default());
    assert_eq!(fired(&f, "citus_reference_tenant_table"), vec![(Severity::Warning, "app.orders".into())]);
    // a reference table without the tenant column is no finding
    s.relations[0].tenant = None;
    s.policies.clear();
    assert!(fired(&audit(&s, &Config::default()), "citus_reference_tenant_table").is_empty());
}

#[test]
fn shard_rls_mismatch() {
    let mut s = cluster();
    let nodes = s.citus.as_mut().unwrap().nodes.as_mut().unwrap();
    nodes.push(NodeShards {
        node: "w2:5432".into(),
        result: Ok(vec![ShardGroup {
            schema: "app".into(),
            name: "orders".into(),
            shards: 16,
            rls: 16,
            forced: 13,
            policy_sets: vec![("rls_fixer_tenant_isolation".into(), 15), (String::new(), 1)],
            diverging: vec!["rls_fixer_tenant_isolation".into()],
        }]),
    });
    nodes.push(NodeShards { node: "w3:5432".into(), result: Err("connection refused".into()) });
    let f = audit(&s, &Config::default());
    assert_eq!(
        fired(&f, "citus_shard_rls_mismatch"),
        vec![(Severity::Error, "app.orders".into()), (Severity::Warning, "w3:5432".into())]
    );
    let x = f.iter().find(|x| x.object_name == "app.orders" && x.check_name == "citus_shard_rls_mismatch").unwrap();
    assert!(x.detail.starts_with("on node w2:5432: 3 of 16 shard(s) lack FORCE ROW LEVEL SECURITY"), "{}", x.detail);
    assert!(x.detail.contains("1 shard(s) carry policies [none] where the table has [rls_fixer_tenant_isolation]"));
    assert!(x.detail.contains("policies rls_fixer_tenant_isolation differ between the shards"));
    assert_eq!(x.fix_sql.as_deref(), Some("ALTER TABLE app.orders FORCE ROW LEVEL SECURITY"));
    // not read (a worker, or a transaction that already wrote): nothing to say
    s.citus.as_mut().unwrap().nodes = None;
    assert!(fired(&audit(&s, &Config::default()), "citus_shard_rls_mismatch").is_empty());
}

#[test]
fn shard_rls_mismatch_follows_the_table() {
    // the table has RLS off: shards with it on differ too
    let mut s = cluster();
    s.relations[0].rls_enabled = false;
    s.relations[0].rls_forced = false;
    let f = audit(&s, &Config::default());
    let x = f.iter().find(|x| x.check_name == "citus_shard_rls_mismatch").unwrap();
    assert!(x.detail.contains("16 of 16 shard(s) have row-level security enabled (the table has it disabled)"));
    assert_eq!(
        x.fix_sql.as_deref(),
        Some("ALTER TABLE app.orders DISABLE ROW LEVEL SECURITY; ALTER TABLE app.orders NO FORCE ROW LEVEL SECURITY")
    );
}

#[test]
fn context_unreachable() {
    // app role without 'local': the warning, once, with the ALTER ROLE
    let mut s = cluster();
    s.citus.as_mut().unwrap().propagate_settings.clear();
    let f = audit(&s, &Config::default());
    assert_eq!(
        fired(&f, "citus_context_unreachable"),
        vec![(Severity::Warning, "citus.propagate_set_commands".into())]
    );
    let x = f.iter().find(|x| x.check_name == "citus_context_unreachable").unwrap();
    assert_eq!(x.fix_sql.as_deref(), Some("ALTER ROLE app SET citus.propagate_set_commands = 'local'"));
    // 'local' for every role of the database also does
    s.citus.as_mut().unwrap().propagate_settings.push((0, true, "local".into()));
    assert!(fired(&audit(&s, &Config::default()), "citus_context_unreachable").is_empty());

    // a hand-written policy on a Citus table reading the protected tenant: the error
    let mut s = cluster();
    s.policies = vec![policy(1, "mine", eq(col(2), protected()))];
    let f = audit(&s, &Config::default());
    assert_eq!(fired(&f, "citus_context_unreachable"), vec![(Severity::Error, "app.orders.mine".into())]);
    let x = f.iter().find(|x| x.check_name == "citus_context_unreachable").unwrap();
    assert_eq!(
        x.fix_sql.as_deref(),
        Some("ALTER POLICY mine ON app.orders USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))")
    );
    // the same on a local table is fine (the coordinator folds it)
    s.citus.as_mut().unwrap().tables.clear();
    assert!(fired(&audit(&s, &Config::default()), "citus_context_unreachable").is_empty());
}

#[test]
fn citus_tables_get_the_bare_form_in_either_mode() {
    let mut s = cluster();
    s.relations.push(table(2, "local_notes"));
    s.policies.clear();
    let setting = Config::default();
    let protected_cfg = Config { context_mode: ContextMode::Protected, ..Config::default() };
    for (cfg, local_protected) in [(&setting, false), (&protected_cfg, true)] {
        let ctx = Ctx::new(&s, cfg).unwrap();
        let actions = plan::plan(&ctx, &run_all(&ctx));
        let orders = actions.iter().find(|a| a.object_name == "app.orders").unwrap();
        assert!(
            orders.statement.contains("USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))"),
            "{}",
            orders.statement
        );
        let notes = actions.iter().find(|a| a.object_name == "app.local_notes").unwrap();
        assert_eq!(notes.statement.contains("rls_fixer.tenant()"), local_protected, "{}", notes.statement);
        // a local table in a Citus database: never the sub-select (it could not be distributed)
        assert!(!notes.statement.contains("(SELECT"), "{}", notes.statement);
    }
    // without Citus, the sub-select form as before
    s.citus = None;
    let ctx = Ctx::new(&s, &setting).unwrap();
    let actions = plan::plan(&ctx, &run_all(&ctx));
    assert!(actions.iter().any(|a| a.statement.contains("(SELECT NULLIF(current_setting")));
}

#[test]
fn protected_generated_policy_on_a_citus_table_is_rebuilt_in_the_bare_form() {
    let mut s = cluster();
    s.policies = vec![policy(1, "rls_fixer_tenant_isolation", eq(col(2), protected()))];
    let protected_cfg = Config { context_mode: ContextMode::Protected, ..Config::default() };
    let ctx = Ctx::new(&s, &protected_cfg).unwrap();
    let f = run_all(&ctx);
    assert_eq!(
        fired(&f, "generated_policy_outdated"),
        vec![(Severity::Warning, "app.orders.rls_fixer_tenant_isolation".into())]
    );
    // generated: rls_fix's job, not citus_context_unreachable's
    assert!(fired(&f, "citus_context_unreachable").is_empty());
    let actions = plan::plan(&ctx, &f);
    assert_eq!(actions.len(), 1);
    assert!(actions[0].statement.contains("NULLIF(current_setting('app.current_tenant_id', true), '')"));
    assert!(!actions[0].statement.contains("(SELECT"));
    // its undo rebuilds the protected form
    assert!(actions[0].undo.contains("rls_fixer.tenant()"), "{}", actions[0].undo);
    // and a bare-form one in setting mode is not outdated (nor is it in protected mode)
    let s = cluster();
    for cfg in [Config::default(), protected_cfg] {
        assert!(fired(&audit(&s, &cfg), "generated_policy_outdated").is_empty());
    }
}
