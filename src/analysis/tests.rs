//! Unit tests of the node-tree reader, the lowering and the analyses.

use super::node::{read, Node};
use super::write::*;
use super::*;
use crate::snapshot::Catalog;

const TENANT: i16 = 2;

fn lo(tree: &str) -> Expr {
    lower(tree, &Catalog::builtin()).expr.unwrap()
}

/// Written as PostgreSQL stores it, read back: the same expression.
fn roundtrip(e: Expr) -> Expr {
    let back = lo(&tree(&e));
    assert_eq!(back, e, "{}", tree(&e));
    back
}

// Captured from PostgreSQL 15: `CREATE POLICY p ON t USING (tenant_id = (SELECT
// (NULLIF(current_setting('app.current_tenant_id', true), ''))::uuid))` on a uuid column 2.
const PG15_GENERATED_UUID: &str = "{OPEXPR :opno 2972 :opfuncid 2956 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 0 :args ({VAR :varno 1 :varattno 2 :vartype 2950 :vartypmod -1 :varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn 2 :location 28} {SUBLINK :subLinkType 4 :subLinkId 0 :testexpr <> :operName <> :subselect {QUERY :commandType 1 :querySource 0 :canSetTag true :utilityStmt <> :resultRelation 0 :hasAggs false :hasWindowFuncs false :hasTargetSRFs false :hasSubLinks false :hasDistinctOn false :hasRecursive false :hasModifyingCTE false :hasForUpdate false :hasRowSecurity false :isReturn false :cteList <> :rtable <> :jointree {FROMEXPR :fromlist <> :quals <>} :targetList ({TARGETENTRY :expr {COERCEVIAIO :arg {NULLIFEXPR :opno 98 :opfuncid 67 :opresulttype 25 :opretset false :opcollid 100 :inputcollid 100 :args ({FUNCEXPR :funcid 3294 :funcresulttype 25 :funcretset false :funcvariadic false :funcformat 0 :funccollid 100 :inputcollid 100 :args ({CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull false :location 72 :constvalue 25 [ 100 0 0 0 97 112 112 46 99 117 114 114 101 110 116 95 116 101 110 97 110 116 95 105 100 ]} {CONST :consttype 16 :consttypmod -1 :constcollid 0 :constlen 1 :constbyval true :constisnull false :location 97 :constvalue 1 [ 1 0 0 0 0 0 0 0 ]}) :location 56} {CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull false :location 104 :constvalue 4 [ 16 0 0 0 ]}) :location 49} :resulttype 2950 :resultcollid 0 :coerceformat 1 :location 108} :resno 1 :resname nullif :ressortgroupref 0 :resorigtbl 0 :resorigcol 0 :resjunk false}) :override 0 :onConflict <> :returningList <> :groupClause <> :groupDistinct false :groupingSets <> :havingQual <> :windowClause <> :distinctClause <> :sortClause <> :limitOffset <> :limitCount <> :limitOption 0 :rowMarks <> :setOperations <> :constraintDeps <> :withCheckOptions <> :mergeActionList <> :mergeUseOuterJoin false :stmt_location 0 :stmt_len 0} :location 40}) :location 38}";

// Captured from PostgreSQL 15: `v = current_setting('app.x') AND c IS NOT NULL OR
// id = ANY(ARRAY[1,2]) AND ...` with v varchar(20) (4), c char(4) (3), id int (1).
const PG15_MIXED: &str = "{BOOLEXPR :boolop or :args ({BOOLEXPR :boolop and :args ({OPEXPR :opno 98 :opfuncid 67 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 100 :args ({RELABELTYPE :arg {VAR :varno 1 :varattno 4 :vartype 1043 :vartypmod 24 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 4 :location 28} :resulttype 25 :resulttypmod -1 :resultcollid 100 :relabelformat 2 :location -1} {FUNCEXPR :funcid 2077 :funcresulttype 25 :funcretset false :funcvariadic false :funcformat 0 :funccollid 100 :inputcollid 100 :args ({CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull false :location 48 :constvalue 9 [ 36 0 0 0 97 112 112 46 120 ]}) :location 32}) :location 30} {NULLTEST :arg {VAR :varno 1 :varattno 3 :vartype 1042 :vartypmod 8 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 3 :location 61} :nulltesttype 1 :argisrow false :location 63}) :location 57} {BOOLEXPR :boolop and :args ({SCALARARRAYOPEXPR :opno 96 :opfuncid 65 :hashfuncid 0 :negfuncid 0 :useOr true :inputcollid 0 :args ({VAR :varno 1 :varattno 1 :vartype 23 :vartypmod -1 :varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn 1 :location 78} {ARRAYEXPR :array_typeid 1007 :array_collid 0 :element_typeid 23 :elements ({CONST :consttype 23 :consttypmod -1 :constcollid 0 :constlen 4 :constbyval true :constisnull false :location 93 :constvalue 4 [ 1 0 0 0 0 0 0 0 ]} {CONST :consttype 23 :consttypmod -1 :constcollid 0 :constlen 4 :constbyval true :constisnull false :location 95 :constvalue 4 [ 2 0 0 0 0 0 0 0 ]}) :multidims false :location 87}) :location 81} {NULLTEST :arg {VAR :varno 1 :varattno 2 :vartype 2950 :vartypmod -1 :varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn 2 :location 103} :nulltesttype 1 :argisrow false :location 113} {BOOLEANTEST :arg {OPEXPR :opno 521 :opfuncid 147 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 0 :args ({VAR :varno 1 :varattno 1 :vartype 23 :vartypmod -1 :varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn 1 :location 140} {CONST :consttype 23 :consttypmod -1 :constcollid 0 :constlen 4 :constbyval true :constisnull false :location 145 :constvalue 4 [ 3 0 0 0 0 0 0 0 ]}) :location 143} :booltesttype 0 :location 148} {OPEXPR :opno 531 :opfuncid 157 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 100 :args ({RELABELTYPE :arg {COALESCEEXPR :coalescetype 1043 :coalescecollid 100 :args ({VAR :varno 1 :varattno 4 :vartype 1043 :vartypmod 24 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 4 :location 169} {CONST :consttype 1043 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull false :location 171 :constvalue 5 [ 20 0 0 0 97 ]}) :location 160} :resulttype 25 :resulttypmod -1 :resultcollid 100 :relabelformat 2 :location -1} {CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull false :location 179 :constvalue 5 [ 20 0 0 0 98 ]}) :location 176} {BOOLEXPR :boolop not :args ({BOOLEXPR :boolop not :args ({DISTINCTEXPR :opno 98 :opfuncid 67 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 100 :args ({RELABELTYPE :arg {VAR :varno 1 :varattno 4 :vartype 1043 :vartypmod 24 :varcollid 100 :varlevelsup 0 :varnosyn 1 :varattnosyn 4 :location 192} :resulttype 25 :resulttypmod -1 :resultcollid 100 :relabelformat 2 :location -1} {CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull false :location 215 :constvalue 5 [ 20 0 0 0 122 ]}) :location 194}) :location 194}) :location 187}) :location 99}) :location 75}";

#[test]
fn reads_escaped_tokens_strings_and_lists() {
    let n = read(r#"{ALIAS :aliasname my\ table :colnames ("a" "b\ c") :ids (i 1 2 -3) :empty <> :lit \<>}"#).unwrap();
    assert_eq!(n.tag(), Some("ALIAS"));
    assert_eq!(n.word("aliasname"), Some("my table"));
    assert_eq!(n.list("colnames"), &[Node::Str("a".into()), Node::Str("b c".into())]);
    assert_eq!(n.get("ids"), Some(&Node::Ints(vec![1, 2, -3])));
    assert_eq!(n.get("empty"), Some(&Node::Null));
    assert_eq!(n.word("lit"), Some("<>"), "an escaped <> is the string, not NULL");
    assert!(read("{OPEXPR :opno 98").is_err());
    assert!(read("{CONST :constvalue 4 [ 1 2 }").is_err());
    assert!(matches!(lo("{OPEXPR :opno"), Expr::Opaque(_)));
}

#[test]
fn lowers_the_generated_predicate_as_postgresql_stores_it() {
    let e = lo(PG15_GENERATED_UUID);
    let want = eq(col(2), cast(nullif(setting("app.current_tenant_id", true), lit("")), false));
    assert_eq!(e, want);
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && s.sargable);
    assert_eq!(s.settings, vec!["app.current_tenant_id".to_string()]);
    assert_eq!(fails_open(&e), None);
    assert_eq!(errors_without_tenant(&e), None);
    // the writer the other tests use produces the same expression
    assert_eq!(lo(&generated(2, "app.current_tenant_id", true)), want);
}

#[test]
fn lowers_every_node_kind_of_a_mixed_policy() {
    use CmpOp::*;
    let e = lo(PG15_MIXED);
    let want = or(vec![
        and(vec![eq(relabel(col(4)), setting("app.x", false)), is_null(Expr::Col(3), true)]),
        and(vec![
            // id = ANY (ARRAY[1, 2]) is id = 1 OR id = 2
            or(vec![eq(col(1), num(1)), eq(col(1), num(2))]),
            is_null(col(2), true),
            Expr::IsBool { e: Box::new(cmp(Gt, col(1), num(3))), value: true, negated: false },
            cmp(Ne, relabel(coalesce(vec![col(4), lit("a")])), lit("b")),
            not(cmp(IsNotDistinct, relabel(col(4)), lit("z"))),
        ]),
    ]);
    assert_eq!(e, want);
}

#[test]
fn operators_and_functions_count_by_oid_not_by_name() {
    // an `=` that no btree operator family knows (a user's own operator): not an equality
    let hostile = "{OPEXPR :opno 424242 :opfuncid 424243 :opresulttype 16 :args ({VAR :varno 1 :varattno 2 :varlevelsup 0} {FUNCEXPR :funcid 3294 :funcformat 0 :args ({CONST :consttype 25 :constlen -1 :constisnull false :constvalue 8 [ 32 0 0 0 97 46 98 ]} {CONST :consttype 16 :constlen 1 :constisnull false :constvalue 1 [ 1 0 0 0 0 0 0 0 ]})})}";
    let e = lo(hostile);
    assert!(matches!(e, Expr::Cmp { op: CmpOp::Other, .. }), "{e:?}");
    assert!(!tenant_scope(&e, TENANT).scoped);
    // a function named current_tenant_id that is not the extension's: an ordinary call
    let foreign = "{OPEXPR :opno 98 :opresulttype 16 :args ({VAR :varno 1 :varattno 2 :varlevelsup 0} {FUNCEXPR :funcid 777 :funcformat 0 :args <>})}";
    assert!(!tenant_scope(&lo(foreign), TENANT).scoped);
    // the extension's accessor (by OID) is the configured setting
    let ours = roundtrip(eq(col(2), accessor()));
    assert!(tenant_scope(&ours, TENANT).scoped);
    let mut v = Vec::new();
    settings_read(&ours, "app.x", &mut v);
    assert_eq!(v, vec!["app.x".to_string()]);
}

#[test]
fn volatile_calls_are_collected_by_oid() {
    let t = tree(&eq(col(2), func(1598, vec![])));
    assert_eq!(lower(&t, &Catalog::builtin()).volatile, vec!["random".to_string()]);
    assert!(lower(&tree(&eq(col(2), setting("app.x", true))), &Catalog::builtin()).volatile.is_empty());
}

#[test]
fn scalar_subselect_is_transparent_other_subqueries_are_not() {
    let v = nullif(setting("app.current_tenant_id", true), lit(""));
    assert_eq!(lo(&scalar_subselect(&v)), v);
    let with_from = scalar_subselect(&v).replace(":fromlist <>", ":fromlist ({RANGETBLREF :rtindex 1})");
    assert!(matches!(lo(&with_from), Expr::Opaque(_)));
    let any_sublink = scalar_subselect(&v).replace(":subLinkType 4", ":subLinkType 2");
    assert!(matches!(lo(&any_sublink), Expr::Opaque(_)));
}

#[test]
fn true_is_not_scoped() {
    let e = roundtrip(Expr::Bool(true));
    assert!(!tenant_scope(&e, TENANT).scoped);
}

#[test]
fn other_column_is_not_scoped() {
    let e = roundtrip(eq(col(5), cast(setting("app.current_tenant_id", true), false)));
    assert!(!tenant_scope(&e, TENANT).scoped);
}

#[test]
fn is_null_or_is_fail_open_but_scoped() {
    let st = setting("app.current_tenant_id", true);
    let e = roundtrip(or(vec![is_null(st.clone(), false), eq(col(2), st)]));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(fails_open(&e), Some(SettingState::Unset));
}

#[test]
fn empty_string_test_is_fail_open_when_cleared() {
    let st = setting("app.current_tenant_id", true);
    let e = roundtrip(or(vec![eq(st.clone(), lit("")), eq(col(2), st)]));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(fails_open(&e), Some(SettingState::Cleared));
}

#[test]
fn coalesce_to_column_is_fail_open() {
    let e = roundtrip(eq(col(2), coalesce(vec![nullif(setting("app.current_tenant_id", true), lit("")), col(2)])));
    assert!(tenant_scope(&e, TENANT).scoped, "{e:?}");
    assert!(fails_open(&e).is_some());
}

#[test]
fn plain_text_compare_is_closed() {
    let e = roundtrip(eq(col(2), setting("app.current_tenant_id", true)));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(fails_open(&e), None);
}

#[test]
fn uuid_cast_without_nullif_errors_when_cleared() {
    let e = roundtrip(eq(col(2), cast(setting("app.current_tenant_id", true), false)));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(fails_open(&e), None);
    assert_eq!(errors_without_tenant(&e), Some(SettingState::Cleared));
    let e = roundtrip(eq(col(2), cast(setting("app.current_tenant_id", false), false)));
    assert_eq!(errors_without_tenant(&e), Some(SettingState::Unset));
}

#[test]
fn cast_column_is_not_sargable_relabel_is() {
    let e = roundtrip(eq(cast(col(2), true), setting("app.current_tenant_id", true)));
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && !s.sargable);
    // varchar compared as text: a binary relabelling, the index on the column still serves
    let e = roundtrip(eq(relabel(col(2)), setting("app.current_tenant_id", true)));
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && s.sargable);
    // lower(tenant_id): pinned, no index
    let e = roundtrip(eq(func(870, vec![col(2)]), setting("app.current_tenant_id", true)));
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && !s.sargable);
}

#[test]
fn any_array_is_scoped() {
    let e = roundtrip(Expr::AnyCmp {
        op: CmpOp::Eq,
        all: false,
        l: Box::new(col(2)),
        r: Box::new(func(394, vec![setting("app.tenants", true), lit(",")])),
    });
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped);
    assert_eq!(s.settings, vec!["app.tenants".to_string()]);
}

#[test]
fn or_with_true_branch_is_unscoped() {
    let e = roundtrip(or(vec![eq(col(2), setting("app.current_tenant_id", true)), eq(col(6), Expr::Bool(true))]));
    assert!(!tenant_scope(&e, TENANT).scoped);
}

#[test]
fn and_with_other_filter_is_scoped() {
    let e = roundtrip(and(vec![eq(col(2), setting("app.current_tenant_id", true)), is_null(col(7), false)]));
    assert!(tenant_scope(&e, TENANT).scoped);
}

#[test]
fn not_is_not_null_is_fail_open() {
    let st = setting("app.current_tenant_id", true);
    let e = roundtrip(or(vec![not(is_null(st.clone(), true)), eq(col(2), st)]));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(fails_open(&e), Some(SettingState::Unset));
}

#[test]
fn case_with_an_operand_is_opaque() {
    // CASE x WHEN … compares through CaseTestExpr: not modelled
    let with_operand = "{CASEEXPR :casetype 16 :arg {VAR :varno 1 :varattno 2 :varlevelsup 0} :args ({CASEWHEN :expr {OPEXPR :opno 98 :opresulttype 16 :args ({CASETESTEXPR :typeId 25} {CONST :consttype 25 :constlen -1 :constisnull false :constvalue 5 [ 20 0 0 0 97 ]})} :result {CONST :consttype 16 :constlen 1 :constisnull false :constvalue 1 [ 1 0 0 0 0 0 0 0 ]}}) :defresult <> :location 7}";
    assert!(matches!(lo(with_operand), Expr::Opaque(_)));
    assert!(matches!(lo("{CASEEXPR :casetype 16 :arg <> :args <> :defresult <> :location 7}"), Expr::Opaque(_)));
}

#[test]
fn strictness_comes_from_the_catalog() {
    let st = setting("app.current_tenant_id", true);
    // a strict function of an unset setting is NULL: the comparison admits no row
    let e = roundtrip(eq(col(2), func(870, vec![st.clone()])));
    assert_eq!(eval_bool(&e, SettingState::Unset), N);
    // concat() is not strict (concat(NULL, 'x') is 'x'): nothing proves the row stays hidden
    let e = roundtrip(eq(col(2), func(3058, vec![st, lit("")])));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_ne!(eval_bool(&e, SettingState::Unset) & T, 0);
}

// ------------------------------------------------------------ forms modelled for accuracy

fn tenant_nullif() -> Expr {
    nullif(setting("app.current_tenant_id", true), lit(""))
}

#[test]
fn is_not_distinct_from_on_a_not_null_column_fails_closed() {
    // tenant_id IS NOT DISTINCT FROM NULLIF(setting, ''): unset or cleared it is
    // tenant_id IS NULL, false for every row of a NOT NULL column
    let e = roundtrip(cmp(CmpOp::IsNotDistinct, col(2), tenant_nullif()));
    assert_eq!(fails_open_with(&e, &[TENANT]), None);
    assert_eq!(eval_bool(&e, SettingState::Unset) & T, T, "a nullable column has NULL rows that match");
    assert_eq!(fails_open(&e), Some(SettingState::Unset));
    // pinned, but IS NOT DISTINCT FROM is no index condition
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && !s.sargable);
    // IS NULL on a NOT NULL column is false, IS NOT NULL true
    assert_eq!(fails_open_with(&or(vec![is_null(col(2), false), eq(col(2), tenant_nullif())]), &[TENANT]), None);
    assert_eq!(
        fails_open_with(&or(vec![is_null(col(2), false), eq(col(2), tenant_nullif())]), &[]),
        Some(SettingState::Unset)
    );
}

/// `col op ANY (ARRAY[elements])` as PostgreSQL stores it.
fn any_array(op: i64, column: i16, elements: &[Expr], use_or: bool) -> String {
    let els: Vec<String> = elements.iter().map(tree).collect();
    format!(
        "{{SCALARARRAYOPEXPR :opno {op} :opfuncid 0 :hashfuncid 0 :negfuncid 0 :useOr {use_or} :inputcollid 100 :args ({{VAR :varno 1 :varattno {column} :vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :location -1}} {{ARRAYEXPR :array_typeid 1009 :array_collid 100 :element_typeid 25 :elements ({}) :multidims false :location -1}}) :location -1}}",
        els.join(" ")
    )
}

#[test]
fn any_of_an_array_constructor_is_an_or_of_comparisons() {
    // tenant_id = ANY (ARRAY[NULLIF(setting, '')]): tenant_id = NULLIF(setting, '')
    let e = lo(&any_array(98, 2, &[tenant_nullif()], true));
    assert_eq!(e, eq(col(2), tenant_nullif()));
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && s.sargable);
    assert_eq!(fails_open(&e), None, "ARRAY[NULL]: = ANY is NULL, never true");
    // two settings: still pinned to a setting's value
    let e = lo(&any_array(98, 2, &[setting("app.current_tenant_id", true), setting("app.other", true)], true));
    assert!(tenant_scope(&e, TENANT).scoped);
    // a constant next to the setting opens that tenant's rows to every tenant
    let e = lo(&any_array(98, 2, &[tenant_nullif(), lit("shared")], true));
    assert_eq!(e, or(vec![eq(col(2), tenant_nullif()), eq(col(2), lit("shared"))]));
    assert!(!tenant_scope(&e, TENANT).scoped);
    // <> ALL is an AND
    let e = lo(&any_array(531, 2, &[lit("a"), lit("b")], false));
    assert_eq!(e, and(vec![cmp(CmpOp::Ne, col(2), lit("a")), cmp(CmpOp::Ne, col(2), lit("b"))]));
}

#[test]
fn boolean_coalesce_is_modelled() {
    // COALESCE(tenant_id = NULLIF(setting, ''), false): NULL and false both reject the row
    let e = roundtrip(coalesce(vec![eq(col(2), tenant_nullif()), Expr::Bool(false)]));
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && !s.sargable, "pinned; a COALESCE is no index condition");
    assert_eq!(fails_open(&e), None);
    // COALESCE(…, true) admits every row when the setting is unset
    let e = roundtrip(coalesce(vec![eq(col(2), tenant_nullif()), Expr::Bool(true)]));
    assert!(!tenant_scope(&e, TENANT).scoped);
    assert_ne!(eval_bool(&e, SettingState::Unset) & T, 0);
}

#[test]
fn searched_case_is_modelled() {
    let st = setting("app.current_tenant_id", true);
    // CASE WHEN NULLIF(setting, '') IS NULL THEN false ELSE tenant_id = setting END
    let e = roundtrip(case(vec![(is_null(tenant_nullif(), false), Expr::Bool(false))], eq(col(2), st.clone())));
    let s = tenant_scope(&e, TENANT);
    assert!(s.scoped && !s.sargable);
    assert_eq!(fails_open(&e), None);
    // THEN true when unset: pinned once set, but fails open
    let e = roundtrip(case(vec![(is_null(tenant_nullif(), false), Expr::Bool(true))], eq(col(2), st.clone())));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(fails_open(&e), Some(SettingState::Unset));
    // a branch that does not pin the column: not scoped
    let e = roundtrip(case(vec![(eq(col(5), lit("x")), Expr::Bool(true))], eq(col(2), st.clone())));
    assert!(!tenant_scope(&e, TENANT).scoped);
    // a CASE as the compared value may yield a constant (another tenant's id): not a pin
    let e = roundtrip(eq(col(2), case(vec![(eq(st.clone(), lit("a")), lit("b"))], st)));
    assert!(!tenant_scope(&e, TENANT).scoped);
}

#[test]
fn a_checked_domain_cast_of_the_empty_setting_may_raise() {
    // tenant_id = current_setting(…, true)::tenant_code, CHECK (VALUE ~ '^t[0-9]+$')
    let e = roundtrip(eq(col(2), checked(setting("app.current_tenant_id", true), false)));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(errors_without_tenant(&e), Some(SettingState::Cleared));
    assert_eq!(fails_open(&e), None);
    // with NULLIF: NULL passes a CHECK
    let e = roundtrip(eq(col(2), checked(tenant_nullif(), false)));
    assert_eq!(errors_without_tenant(&e), None);
    // … but not a NOT NULL domain
    let e = roundtrip(eq(col(2), checked(tenant_nullif(), true)));
    assert_eq!(errors_without_tenant(&e), Some(SettingState::Unset));
    // a domain without constraints is a plain relabelling
    let plain = "{OPEXPR :opno 98 :opresulttype 16 :args ({VAR :varno 1 :varattno 2 :vartype 25 :varlevelsup 0} {COERCETODOMAIN :arg {FUNCEXPR :funcid 3294 :funcformat 0 :args ({CONST :consttype 25 :constlen -1 :constisnull false :constvalue 8 [ 32 0 0 0 97 46 98 ]} {CONST :consttype 16 :constlen 1 :constisnull false :constvalue 1 [ 1 0 0 0 0 0 0 0 ]})} :resulttype 777777})}";
    assert_eq!(errors_without_tenant(&lo(plain)), None);
}

/// `op(col, setting)` with the column relabelled from `vartype`.
fn relabelled_compare(vartype: i64) -> String {
    format!(
        "{{OPEXPR :opno 98 :opresulttype 16 :args ({{RELABELTYPE :arg {{VAR :varno 1 :varattno 2 :vartype {vartype} :varlevelsup 0}} :resulttype 25}} {})}}",
        tree(&tenant_nullif())
    )
}

#[test]
fn a_relabelled_column_is_sargable_only_when_its_index_has_the_operator() {
    // varchar compared as text: text_ops has text's =
    let s = tenant_scope(&lo(&relabelled_compare(1043)), TENANT);
    assert!(s.scoped && s.sargable);
    // citext compared as text: citext_ops has no text =, the plan filters
    let s = tenant_scope(&lo(&relabelled_compare(900_020)), TENANT);
    assert!(s.scoped && !s.sargable);
    // a type the catalog says nothing about: unchanged
    let s = tenant_scope(&lo(&relabelled_compare(123_456)), TENANT);
    assert!(s.scoped && s.sargable);
}

/// A STABLE SQL function with a SQL-standard body `RETURN <body>` at OID 900_100.
fn with_inline(body: &Expr, strict: bool, nargs: i16, param: bool) -> Catalog {
    let mut cat = Catalog::builtin();
    let mut t = tree(body);
    if param {
        // the argument $1 in place of column 7 in the written body
        t = t.replace(
            "{VAR :varno 1 :varattno 7 :vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :location -1}",
            "{PARAM :paramkind 0 :paramid 1 :paramtype 25 :paramtypmod -1 :paramcollid 100 :location -1}",
        );
    }
    let q = format!("{{QUERY :commandType 1 :querySource 0 :canSetTag true :utilityStmt <> :resultRelation 0 :isReturn true :cteList <> :rtable <> :jointree {{FROMEXPR :fromlist <> :quals <>}} :targetList ({{TARGETENTRY :expr {t} :resno 1 :resname <> :resjunk false}}) :groupClause <> :havingQual <> :sortClause <> :limitOffset <> :limitCount <> :setOperations <>}}");
    cat.inline.insert(900_100, crate::snapshot::InlineFn { owner: 10, strict, nargs, body: q });
    cat
}

#[test]
fn sql_standard_function_bodies_are_inlined() {
    // tenant_id = current_org(), current_org() RETURN NULLIF(current_setting(…, true), '')
    let policy = tree(&eq(col(2), func(900_100, vec![])));
    let cat = with_inline(&tenant_nullif(), false, 0, false);
    let e = lower(&policy, &cat).expr.unwrap();
    assert_eq!(e, eq(col(2), tenant_nullif()));
    assert!(tenant_scope(&e, TENANT).scoped);
    assert_eq!(fails_open(&e), None);
    // the same body wrapped as BEGIN ATOMIC SELECT …; END
    let mut atomic = cat.clone();
    let f = atomic.inline.get_mut(&900_100).unwrap();
    f.body = format!("(({}))", f.body);
    assert_eq!(lower(&policy, &atomic).expr.unwrap(), eq(col(2), tenant_nullif()));
    // a function an app role could replace is a call, not its current body
    let untrusted: rustc_hash::FxHashSet<i64> = [900_100].into_iter().collect();
    let e = lower_with(&policy, &cat, &untrusted).expr.unwrap();
    assert!(!tenant_scope(&e, TENANT).scoped);
    // without a body in the catalog (a text body, parsed at run time): a call
    assert!(!tenant_scope(&lower(&policy, &Catalog::builtin()).expr.unwrap(), TENANT).scoped);
}

#[test]
fn inlined_arguments_are_substituted() {
    // is_mine(tenant_id), is_mine(t) RETURN t = NULLIF(current_setting(…, true), '')
    let body = eq(col(7), tenant_nullif());
    let policy = tree(&func(900_100, vec![col(2)]));
    let e = lower(&policy, &with_inline(&body, false, 1, true)).expr.unwrap();
    assert_eq!(e, eq(col(2), tenant_nullif()));
    assert!(tenant_scope(&e, TENANT).scoped);
    // STRICT with arguments: NULL in is NULL out, not the body's meaning: not inlined
    let e = lower(&policy, &with_inline(&body, true, 1, true)).expr.unwrap();
    assert!(!tenant_scope(&e, TENANT).scoped);
    // a VAR in a body is never the policy table's column
    let e = lower(&policy, &with_inline(&body, false, 1, false)).expr.unwrap();
    assert!(!tenant_scope(&e, TENANT).scoped, "{e:?}");
}
