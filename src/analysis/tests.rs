//! Unit tests of the parser and the analyses.

use super::*;

const GEN_UUID: &str = "(tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid)";

#[test]
fn parses_generated_predicate() {
    let e = parse(GEN_UUID);
    assert!(!matches!(e, Expr::Opaque(_)), "{e:?}");
    let s = tenant_scope(&e, "tenant_id");
    assert!(s.scoped && s.sargable);
    assert_eq!(s.settings, vec!["app.current_tenant_id".to_string()]);
    assert_eq!(fails_open(&e), None);
    assert_eq!(errors_without_tenant(&e), None);
}

#[test]
fn scalar_subquery_is_transparent() {
    let e = parse("(tenant_id = ( SELECT (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid AS \"nullif\"))");
    let s = tenant_scope(&e, "tenant_id");
    assert!(s.scoped && s.sargable, "{e:?}");
    assert_eq!(fails_open(&e), None);
    assert_eq!(errors_without_tenant(&e), None);
    // a real subquery stays opaque
    let e = parse("(tenant_id = ( SELECT t.id FROM tenants t WHERE (t.name = current_setting('app.x'::text))))");
    assert!(!tenant_scope(&e, "tenant_id").scoped);
}

#[test]
fn true_is_not_scoped() {
    let e = parse("true");
    assert_eq!(e, Expr::Bool(true));
    assert!(!tenant_scope(&e, "tenant_id").scoped);
}

#[test]
fn other_column_is_not_scoped() {
    let e = parse("(owner_id = (current_setting('app.current_tenant_id'::text, true))::integer)");
    assert!(!tenant_scope(&e, "tenant_id").scoped);
}

#[test]
fn is_null_or_is_fail_open_but_scoped() {
    let e = parse("((current_setting('app.current_tenant_id'::text, true) IS NULL) OR (tenant_id = current_setting('app.current_tenant_id'::text, true)))");
    assert!(tenant_scope(&e, "tenant_id").scoped);
    assert_eq!(fails_open(&e), Some(SettingState::Unset));
}

#[test]
fn empty_string_test_is_fail_open_when_cleared() {
    let e = parse("((current_setting('app.current_tenant_id'::text, true) = ''::text) OR (tenant_id = current_setting('app.current_tenant_id'::text, true)))");
    assert!(tenant_scope(&e, "tenant_id").scoped);
    assert_eq!(fails_open(&e), Some(SettingState::Cleared));
}

#[test]
fn coalesce_to_column_is_fail_open() {
    let e = parse(
        "(tenant_id = COALESCE(NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text), tenant_id))",
    );
    let s = tenant_scope(&e, "tenant_id");
    assert!(s.scoped, "{e:?}");
    assert!(fails_open(&e).is_some());
}

#[test]
fn plain_text_compare_is_closed() {
    let e = parse("(tenant_id = current_setting('app.current_tenant_id'::text, true))");
    assert!(tenant_scope(&e, "tenant_id").scoped);
    assert_eq!(fails_open(&e), None);
}

#[test]
fn uuid_cast_without_nullif_errors_when_cleared() {
    let e = parse("(tenant_id = (current_setting('app.current_tenant_id'::text, true))::uuid)");
    assert!(tenant_scope(&e, "tenant_id").scoped);
    assert_eq!(fails_open(&e), None);
    assert_eq!(errors_without_tenant(&e), Some(SettingState::Cleared));
    let e = parse("(tenant_id = (current_setting('app.current_tenant_id'::text))::uuid)");
    assert_eq!(errors_without_tenant(&e), Some(SettingState::Unset));
}

#[test]
fn cast_column_is_not_sargable() {
    let e = parse("((tenant_id)::text = current_setting('app.current_tenant_id'::text, true))");
    let s = tenant_scope(&e, "tenant_id");
    assert!(s.scoped && !s.sargable);
}

#[test]
fn any_array_is_scoped() {
    let e = parse("(tenant_id = ANY (string_to_array(current_setting('app.tenants'::text, true), ','::text)))");
    let s = tenant_scope(&e, "tenant_id");
    assert!(s.scoped);
    assert_eq!(s.settings, vec!["app.tenants".to_string()]);
}

#[test]
fn or_with_true_branch_is_unscoped() {
    let e = parse("((tenant_id = current_setting('app.current_tenant_id'::text, true)) OR (is_public = true))");
    assert!(!tenant_scope(&e, "tenant_id").scoped);
}

#[test]
fn and_with_other_filter_is_scoped() {
    let e = parse("((tenant_id = current_setting('app.current_tenant_id'::text, true)) AND (deleted_at IS NULL))");
    assert!(tenant_scope(&e, "tenant_id").scoped);
}

#[test]
fn subquery_is_opaque_not_scoped() {
    let e = parse("(tenant_id IN ( SELECT m.tenant_id FROM memberships m WHERE (m.user_name = CURRENT_USER)))");
    assert!(!tenant_scope(&e, "tenant_id").scoped);
}

#[test]
fn quoted_column_and_own_accessor() {
    let e = parse("(\"Tenant Id\" = current_tenant_id())");
    let s = tenant_scope(&e, "Tenant Id");
    assert!(s.scoped && s.sargable);
    assert_eq!(fails_open(&e), None);
    let mut v = Vec::new();
    settings_read(&e, "app.x", &mut v);
    assert_eq!(v, vec!["app.x".to_string()]);
}

#[test]
fn varchar_and_bigint_casts() {
    let e = parse("((tenant_id)::text = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::character varying(64)::text)");
    assert!(tenant_scope(&e, "tenant_id").scoped, "{e:?}");
    let e = parse("(tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::bigint)");
    assert!(tenant_scope(&e, "tenant_id").sargable);
    assert_eq!(errors_without_tenant(&e), None);
}

#[test]
fn garbage_is_opaque() {
    assert!(matches!(parse("(a = "), Expr::Opaque(_)));
    assert!(matches!(parse("'unterminated"), Expr::Opaque(_)));
}

#[test]
fn not_is_not_null_is_fail_open() {
    let e = parse("((NOT (current_setting('app.current_tenant_id'::text, true) IS NOT NULL)) OR (tenant_id = current_setting('app.current_tenant_id'::text, true)))");
    assert!(tenant_scope(&e, "tenant_id").scoped);
    assert_eq!(fails_open(&e), Some(SettingState::Unset));
}

#[test]
fn case_expression_is_opaque() {
    let e = parse("CASE WHEN (current_setting('app.current_tenant_id'::text, true) IS NULL) THEN true ELSE (tenant_id = current_setting('app.current_tenant_id'::text, true)) END");
    assert!(!tenant_scope(&e, "tenant_id").scoped);
}
