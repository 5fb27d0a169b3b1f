//! Unit tests for the pure parts of rls_perf_report: name resolution and the text filter,
//! the causes from hand-built snapshots, and the arithmetic of the comparison.

use super::causes::{seq_scans_matter, Causes, TableStats};
use super::report::{self, Current, SnapRow};
use super::touch::{Named, Refs, Resolver};
use crate::analysis::write::*;
use crate::analysis::Expr;
use crate::checks::Ctx;
use crate::config::{Config, ContextMode};
use crate::snapshot::*;

// ------------------------------------------------------------ names

fn named(oid: Oid, schema: &str, name: &str, targets: &[Oid]) -> Named {
    Named { oid, schema: schema.into(), name: name.into(), targets: targets.to_vec() }
}

fn refs(rels: &[(Option<&str>, &str)], ctes: &[&str]) -> Refs {
    Refs {
        relations: rels.iter().map(|(s, n)| (s.map(String::from), n.to_string())).collect(),
        ctes: ctes.iter().map(|s| s.to_string()).collect(),
    }
}

fn resolver() -> Resolver {
    Resolver::new([
        named(1, "app", "orders", &[1]),
        named(2, "billing", "orders", &[2]),
        named(3, "app", "Order Items", &[3]),
        named(4, "app", "CamelCase", &[4]),
        named(5, "app", "orders_v", &[1]),
        named(6, "app", "we\"ird", &[6]),
    ])
}

#[test]
fn qualified_names_reach_exactly_their_relation() {
    let r = resolver();
    assert_eq!(r.resolve(&refs(&[(Some("app"), "orders")], &[])), vec![1]);
    assert_eq!(r.resolve(&refs(&[(Some("billing"), "orders")], &[])), vec![2]);
    assert!(r.resolve(&refs(&[(Some("other"), "orders")], &[])).is_empty());
}

#[test]
fn unqualified_names_reach_every_relation_of_that_name() {
    // the statement's search_path is unknown: both schemas' orders
    assert_eq!(resolver().resolve(&refs(&[(None, "orders")], &[])), vec![1, 2]);
}

#[test]
fn a_view_reaches_the_tables_it_reads() {
    assert_eq!(resolver().resolve(&refs(&[(None, "orders_v")], &[])), vec![1]);
}

#[test]
fn a_with_query_shadows_an_unqualified_name_only() {
    let r = resolver();
    assert!(r.resolve(&refs(&[(None, "orders")], &["orders"])).is_empty());
    assert_eq!(r.resolve(&refs(&[(Some("app"), "orders")], &["orders"])), vec![1]);
}

#[test]
fn names_are_matched_as_the_parser_folds_them() {
    let r = resolver();
    // the parser keeps quoted case and folds unquoted names: only "CamelCase" reaches it
    assert_eq!(r.resolve(&refs(&[(Some("app"), "CamelCase")], &[])), vec![4]);
    assert!(r.resolve(&refs(&[(Some("app"), "camelcase")], &[])).is_empty());
    assert_eq!(r.resolve(&refs(&[(None, "Order Items")], &[])), vec![3]);
}

#[test]
fn text_filter_is_a_superset_of_references() {
    let r = resolver();
    for q in [
        "SELECT count(*) FROM app.orders WHERE tenant_id = $1",
        "select * from ORDERS",
        "SELECT * FROM \"app\".\"orders\"",
        "SELECT * FROM app.\"CamelCase\"",
        "SELECT * FROM app.\"Order Items\" i",
        "SELECT * FROM app.\"we\"\"ird\"",
        "UPDATE app.orders_v SET x = $1",
    ] {
        assert!(r.may_touch(q), "{q}");
    }
}

#[test]
fn text_filter_skips_statements_that_cannot_name_them() {
    let r = resolver();
    for q in [
        "SELECT count(*) FROM app.orders_archive",
        "SELECT * FROM app.preorders",
        "SELECT $1::text",
        "SET app.current_tenant_id = 't1'",
        "SELECT * FROM app.order_items",
    ] {
        assert!(!r.may_touch(q), "{q}");
    }
}

#[test]
fn relations_reaching_nothing_are_not_names() {
    let r = Resolver::new([named(9, "app", "plain", &[])]);
    assert!(r.is_empty());
    assert!(!r.may_touch("SELECT * FROM app.plain"));
}

// ------------------------------------------------------------ causes

fn good() -> Expr {
    eq(col(2), nullif(setting("app.current_tenant_id", true), lit("")))
}

fn t(e: Expr) -> Option<Tree> {
    Some(tree(&e).into())
}

fn table(oid: Oid, name: &str, indexed: bool) -> Relation {
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
        tenant: Some(TenantColumn {
            name: "tenant_id".into(),
            qname: "tenant_id".into(),
            attnum: 2,
            type_name: "text".into(),
            eq_op: None,
            virtual_generated: None,
            not_null: true,
            indexed,
        }),
        security_invoker: false,
        grantees: vec![100],
        writers: vec![100],
        truncaters: vec![],
        reads: vec![],
        tenant_xmin: None,
    }
}

fn policy(table: Oid, name: &str, cmd: PolicyCmd, using: Option<Tree>, check: Option<Tree>) -> Policy {
    Policy { oid: 0, table, name: name.into(), qname: name.into(), cmd, permissive: true, roles: vec![0], using, check }
}

/// `app.orders` (oid 1) with one policy `iso` using `using`.
fn snap(using: Expr, indexed: bool) -> Snapshot {
    let mut pg = Role {
        oid: 10,
        name: "postgres".into(),
        qname: "postgres".into(),
        superuser: true,
        bypassrls: false,
        login: true,
        member_of: vec![],
    };
    pg.superuser = true;
    let app = Role {
        oid: 100,
        name: "app".into(),
        qname: "app".into(),
        superuser: false,
        bypassrls: false,
        login: true,
        member_of: vec![],
    };
    Snapshot {
        server_version_num: 150020,
        catalog: Catalog::builtin(),
        relations: vec![table(1, "orders", indexed)],
        policies: vec![policy(1, "iso", PolicyCmd::All, t(using), None)],
        roles: vec![pg, app],
        ..Default::default()
    }
}

fn codes(s: &Snapshot, stats: Option<&TableStats>) -> Vec<(&'static str, Option<String>)> {
    let cfg = Config::default();
    let ctx = Ctx::new(s, &cfg).expect("config ok");
    Causes::new(&ctx).of_table(1, stats).into_iter().map(|c| (c.code, c.fix_sql)).collect()
}

fn wrapped() -> Expr {
    // lower(tenant_id) = lower(current_setting('app.current_tenant_id', true))
    eq(func(870, vec![col(2)]), func(870, vec![setting("app.current_tenant_id", true)]))
}

#[test]
fn sargable_indexed_policy_has_no_cause() {
    assert!(codes(&snap(good(), true), None).is_empty());
}

#[test]
fn wrapped_column_and_missing_index_are_both_causes_with_their_fixes() {
    let c = codes(&snap(wrapped(), false), None);
    assert_eq!(c.iter().map(|x| x.0).collect::<Vec<_>>(), vec!["policy_not_sargable", "tenant_index_missing"]);
    let alter = c[0].1.as_deref().expect("a lone wrapped comparison gets the generated form");
    assert_eq!(
        alter,
        "ALTER POLICY iso ON app.orders USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))"
    );
    assert_eq!(c[1].1.as_deref(), Some("CREATE INDEX CONCURRENTLY ON app.orders (tenant_id)"));
}

#[test]
fn cast_column_gets_the_typed_generated_form_in_protected_mode() {
    let mut s = snap(eq(cast(col(2), true), setting("app.current_tenant_id", true)), true);
    s.relations[0].tenant.as_mut().unwrap().type_name = "uuid".into();
    s.policies[0].check = s.policies[0].using.clone();
    let cfg = Config { context_mode: ContextMode::Protected, ..Config::default() };
    let ctx = Ctx::new(&s, &cfg).unwrap();
    let c = Causes::new(&ctx).of_table(1, None);
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].fix_sql.as_deref(),
        Some("ALTER POLICY iso ON app.orders USING (tenant_id = (rls_fixer.tenant())::uuid) WITH CHECK (tenant_id = (rls_fixer.tenant())::uuid)")
    );
}

#[test]
fn no_rewrite_when_the_policy_holds_more_than_the_comparison() {
    // lower(tenant_id) = lower(setting) AND NOT archived(col 3): rewriting would drop a condition
    let e = and(vec![wrapped(), not(eq(col(3), num(1)))]);
    let c = codes(&snap(e, true), None);
    assert_eq!(c, vec![("policy_not_sargable", None)]);
    // a volatile function: reported, never rewritten
    let e = and(vec![good(), eq(func(1598, vec![]), func(1598, vec![]))]);
    assert_eq!(codes(&snap(e, true), None), vec![("policy_not_sargable", None)]);
    // a comparison that also reads another setting than the configured one
    let e =
        eq(func(870, vec![col(2)]), coalesce(vec![setting("app.current_tenant_id", true), setting("app.other", true)]));
    assert_eq!(codes(&snap(e, true), None), vec![("policy_not_sargable", None)]);
}

#[test]
fn each_command_gets_only_the_clauses_it_has() {
    let mut s = snap(wrapped(), true);
    let weak_check = eq(col(3), num(1));
    s.policies = vec![
        policy(1, "r", PolicyCmd::Select, t(wrapped()), None),
        // INSERT checks new rows only: no scan, no index, no cause
        policy(1, "w", PolicyCmd::Insert, None, t(wrapped())),
        // a WITH CHECK that is more than the comparison stays as it is
        policy(1, "u", PolicyCmd::Update, t(wrapped()), t(weak_check)),
    ];
    let fixes: Vec<String> = codes(&s, None).into_iter().filter_map(|c| c.1).collect();
    let pred = "tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), ''))";
    assert_eq!(
        fixes,
        vec![
            format!("ALTER POLICY r ON app.orders USING ({pred})"),
            format!("ALTER POLICY u ON app.orders USING ({pred})")
        ]
    );
}

#[test]
fn a_policy_reading_another_table_is_a_cause() {
    let mut s = snap(good(), true);
    s.relations.push(table(7, "members", true));
    s.relations[1].tenant = None;
    // the policy's tree reads relation 7 in a sub-query
    // `tenant_id IN (SELECT tenant_id FROM app.members)`, as the checks' tests write it
    let sub = "{SUBLINK :subLinkType 2 :testexpr {OPEXPR :opno 98 :opresulttype 16 :args ({VAR :varno 1 :varattno 2 :varlevelsup 0} {PARAM :paramkind 2})} :subselect {QUERY :commandType 1 :rtable ({RANGETBLENTRY :rtekind 0 :relid 7 :relkind r}) :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1}) :quals <>} :targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 1 :varlevelsup 0} :resno 1})}}";
    s.policies[0].using = Some(format!("{{BOOLEXPR :boolop and :args ({} {sub}) :location -1}}", tree(&good())).into());
    let c = codes(&s, None);
    assert!(c.iter().any(|x| x.0 == "policy_reads_table"), "{c:?}");
    assert!(codes(&snap(good(), true), None).iter().all(|x| x.0 != "policy_reads_table"));
}

#[test]
fn sequential_scans_of_a_big_table_are_a_cause() {
    let busy = TableStats { seq_scan: 400, seq_tup_read: 40_000_000, idx_scan: 3, n_live_tup: 100_000 };
    assert!(seq_scans_matter(&busy));
    assert_eq!(codes(&snap(good(), true), Some(&busy)), vec![("seq_scans", None)]);
    // small tables, index-scanned tables and unscanned tables: no cause
    assert!(!seq_scans_matter(&TableStats { n_live_tup: 500, ..busy }));
    assert!(!seq_scans_matter(&TableStats { idx_scan: 10_000, ..busy }));
    assert!(!seq_scans_matter(&TableStats { seq_scan: 0, seq_tup_read: 0, ..busy }));
}

#[test]
fn a_partition_inherits_its_parents_missing_index() {
    let mut s = snap(good(), false);
    let mut part = table(2, "orders_p1", false);
    part.is_partition = true;
    part.parent = Some(1);
    s.relations[0].kind = RelKind::Partitioned;
    s.relations.push(part);
    s.policies.push(policy(2, "iso", PolicyCmd::All, t(good()), None));
    let cfg = Config::default();
    let ctx = Ctx::new(&s, &cfg).unwrap();
    let c = Causes::new(&ctx).of_table(2, None);
    assert_eq!(c.iter().map(|x| x.code).collect::<Vec<_>>(), vec!["tenant_index_missing"]);
    // the parent's fix: a partitioned table cannot be indexed CONCURRENTLY
    assert_eq!(c[0].fix_sql.as_deref(), Some("CREATE INDEX ON app.orders (tenant_id)"));
}

// ------------------------------------------------------------ comparison

fn cur(calls: i64, total_ms: f64) -> Current {
    Current { queryid: 42, query: "SELECT 1".into(), calls, total_ms, userids: vec![100] }
}

fn row(run_id: i64, userid: i64, calls: i64, total_ms: f64) -> SnapRow {
    SnapRow { run_id, userid, queryid: 42, calls, total_ms, taken_at: 1000.0 }
}

#[test]
fn change_is_the_mean_since_the_fix_over_the_mean_at_it() {
    let rows = [row(5, 100, 100, 200.0)];
    let b = report::baseline(&cur(300, 1400.0), &rows, None).unwrap();
    let c = report::compare(&cur(300, 1400.0), Some(&b), None);
    assert_eq!(c.run_id, Some(5));
    assert_eq!(c.mean_ms_at_fix, Some(2.0));
    assert_eq!(c.calls_since_fix, Some(200));
    assert_eq!(c.mean_ms_since_fix, Some(6.0));
    assert_eq!(c.change, Some(3.0));
    assert!((c.mean_ms - 1400.0 / 300.0).abs() < 1e-9);
    assert!(report::is_regression(&c));
    assert_eq!(report::extra_ms(&c), 800.0);
}

#[test]
fn the_latest_run_or_the_one_asked_for_is_the_baseline() {
    let rows = [row(5, 100, 100, 200.0), row(9, 100, 150, 400.0)];
    assert_eq!(report::baseline(&cur(300, 1000.0), &rows, None).unwrap().run_id, 9);
    assert_eq!(report::baseline(&cur(300, 1000.0), &rows, Some(5)).unwrap().run_id, 5);
    assert!(report::baseline(&cur(300, 1000.0), &rows, Some(7)).is_none());
}

#[test]
fn only_the_roles_the_caller_sees_count_in_the_baseline() {
    // role 200's entry of the same query id is not visible to the caller (userids = [100])
    let rows = [row(5, 100, 100, 200.0), row(5, 200, 1000, 9000.0)];
    let b = report::baseline(&cur(300, 1000.0), &rows, None).unwrap();
    assert_eq!((b.calls, b.total_ms), (100, 200.0));
}

#[test]
fn no_change_without_calls_since_or_after_a_reset() {
    let rows = [row(5, 100, 100, 200.0)];
    let b = report::baseline(&cur(100, 200.0), &rows, None).unwrap();
    let c = report::compare(&cur(100, 200.0), Some(&b), None);
    assert_eq!((c.calls_since_fix, c.mean_ms_since_fix, c.change), (Some(0), None, None));
    assert!(!report::is_regression(&c));
    // fewer calls than at the fix: the entry was reset or evicted
    let c = report::compare(&cur(10, 500.0), Some(&b), None);
    assert_eq!(c.change, None);
    assert!(c.note.is_some());
    // pg_stat_statements_reset() after the snapshot
    let c = report::compare(&cur(300, 1400.0), Some(&b), Some(2000.0));
    assert_eq!(c.change, None);
    assert!(c.note.is_some());
    // a reset before the snapshot changes nothing
    assert_eq!(report::compare(&cur(300, 1400.0), Some(&b), Some(10.0)).change, Some(3.0));
    // no baseline at all
    let c = report::compare(&cur(300, 1400.0), None, None);
    assert_eq!((c.run_id, c.change), (None, None));
}

#[test]
fn few_calls_or_a_small_change_are_no_regression() {
    let rows = [row(5, 100, 100, 200.0)];
    let few = cur(105, 260.0);
    let c = report::compare(&few, report::baseline(&few, &rows, None).as_ref(), None);
    assert!(c.change.unwrap() > report::REGRESSION_RATIO && !report::is_regression(&c));
    let small = cur(200, 420.0);
    let c = report::compare(&small, report::baseline(&small, &rows, None).as_ref(), None);
    assert!((c.change.unwrap() - 1.1).abs() < 1e-9 && !report::is_regression(&c));
}
