//! `#[pg_test]`s of the parts that need PostgreSQL's parser: which relations a statement's
//! text names, and the subtransaction that keeps a text the parser refuses from failing the
//! caller. (pg_stat_statements itself is tested by `tests/integration/test_perf.py`, with the
//! library preloaded.)

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;

    use crate::perf::parse::relation_refs;
    use crate::perf::touch::{Named, Resolver};

    fn rels(q: &str) -> Vec<(Option<String>, String)> {
        let mut v = relation_refs(q).relations;
        v.sort();
        v.dedup();
        v
    }

    fn r(schema: Option<&str>, name: &str) -> (Option<String>, String) {
        (schema.map(String::from), name.to_string())
    }

    #[pg_test]
    fn pg_parse_qualified_quoted_and_folded_names() {
        assert_eq!(
            rels(
                "SELECT * FROM App.Orders o JOIN \"App\".\"Order Items\" i ON i.order_id = o.id WHERE o.tenant_id = $1"
            ),
            vec![r(Some("App"), "Order Items"), r(Some("app"), "orders")]
        );
        assert_eq!(rels("SELECT * FROM U&\"\\0061pp\".orders"), vec![r(Some("app"), "orders")]);
        assert_eq!(rels("SELECT count(*) FROM ONLY public.orders_archive"), vec![r(Some("public"), "orders_archive")]);
    }

    #[pg_test]
    fn pg_parse_ignores_names_that_are_not_relations() {
        // string literals, comments, column names, aliases, functions and a longer name
        assert_eq!(
            rels("SELECT 'app.orders', o.\"app.orders\", orders(1) FROM app.preorders orders /* app.orders */ -- app.orders\n"),
            vec![r(Some("app"), "preorders")]
        );
        assert!(rels("SET app.current_tenant_id = 'app.orders'").is_empty());
        assert!(rels("SELECT $1::text").is_empty());
    }

    #[pg_test]
    fn pg_parse_every_kind_of_statement() {
        assert_eq!(
            rels("WITH recent AS (SELECT * FROM app.orders WHERE id > $1) SELECT * FROM recent WHERE EXISTS (SELECT 1 FROM app.members m WHERE m.id IN (SELECT x FROM (SELECT x FROM app.sub) s))"),
            vec![r(None, "recent"), r(Some("app"), "members"), r(Some("app"), "orders"), r(Some("app"), "sub")]
        );
        assert_eq!(relation_refs("WITH recent AS (SELECT 1) SELECT * FROM recent").ctes, vec!["recent".to_string()]);
        assert_eq!(
            rels("INSERT INTO app.orders (a) SELECT a FROM app.staging ON CONFLICT DO NOTHING"),
            vec![r(Some("app"), "orders"), r(Some("app"), "staging")]
        );
        assert_eq!(
            rels("UPDATE app.orders SET a = s.a FROM app.src s WHERE s.id = orders.id"),
            vec![r(Some("app"), "orders"), r(Some("app"), "src")]
        );
        assert_eq!(
            rels("DELETE FROM app.orders USING app.gone g WHERE g.id = orders.id RETURNING *"),
            vec![r(Some("app"), "gone"), r(Some("app"), "orders")]
        );
        assert_eq!(
            rels("MERGE INTO app.orders t USING app.src s ON s.id = t.id WHEN MATCHED THEN DELETE"),
            vec![r(Some("app"), "orders"), r(Some("app"), "src")]
        );
        assert_eq!(rels("EXPLAIN (ANALYZE) SELECT * FROM app.orders"), vec![r(Some("app"), "orders")]);
        assert_eq!(rels("COPY app.orders TO STDOUT"), vec![r(Some("app"), "orders")]);
        assert_eq!(rels("COPY (SELECT * FROM app.orders) TO STDOUT"), vec![r(Some("app"), "orders")]);
        assert_eq!(rels("CREATE TABLE x AS SELECT * FROM app.orders"), vec![r(Some("app"), "orders")]);
        assert_eq!(rels("DECLARE c CURSOR FOR SELECT * FROM app.orders"), vec![r(Some("app"), "orders")]);
        assert_eq!(rels("SELECT * FROM app.a; SELECT * FROM app.b"), vec![r(Some("app"), "a"), r(Some("app"), "b")]);
    }

    #[pg_test]
    fn pg_parse_refusals_reach_nothing_and_do_not_fail_the_caller() {
        let resolver = Resolver::new([Named { oid: 1, schema: "app".into(), name: "orders".into(), targets: vec![1] }]);
        let texts = [
            "SELECT * FROM app.orders",
            "SELEKT * FROM app.orders",
            "SELECT * FROM app.orders_archive",
            "SELECT * FROM orders",
        ];
        let (reach, refused) = crate::perf::reached(&resolver, &texts);
        assert_eq!(reach, vec![vec![1], vec![], vec![], vec![1]]);
        assert_eq!(refused, 1);
        // the transaction goes on
        assert_eq!(Spi::get_one::<i32>("SELECT 1").unwrap(), Some(1));
    }

    #[pg_test]
    fn pg_report_without_pg_stat_statements_is_empty_and_fix_still_applies() {
        Spi::run(
            "CREATE SCHEMA pgp;
             CREATE TABLE pgp.items (id int, tenant_id text NOT NULL);
             SET LOCAL rls_fixer.schemas = 'pgp';",
        )
        .unwrap();
        assert_eq!(Spi::get_one::<i64>("SELECT count(*) FROM rls_perf_report()").unwrap(), Some(0));
        assert_eq!(Spi::get_one::<i64>("SELECT count(*) FROM rls_fix(false)").unwrap(), Some(3));
        assert_eq!(Spi::get_one::<i64>("SELECT count(*) FROM rls_fixer.perf_snapshot").unwrap(), Some(0));
    }

    #[pg_test(error = "rls_perf_report: run 999999 is not an applied rls_fix run")]
    fn pg_report_since_an_unknown_run_is_refused() {
        Spi::run("SELECT * FROM rls_perf_report(999999)").unwrap();
    }
}
