//! Does a policy expression pin the tenant column to a value derived from the tenant setting?

use super::{children, contains, strip_casts, CmpOp, Expr, CONFIGURED_SETTING};

/// Every setting name the expression reads (`current_tenant_id()` reads the configured one).
pub fn settings_read(e: &Expr, configured: &str, out: &mut Vec<String>) {
    let mut push = |s: &str| {
        let s = if s == CONFIGURED_SETTING { configured } else { s };
        if !out.iter().any(|x| x == s) {
            out.push(s.to_string());
        }
    };
    match e {
        Expr::Setting { name, .. } => push(name),
        _ => {
            for c in children(e) {
                settings_read(c, configured, out);
            }
        }
    }
}

/// How a policy expression pins the tenant column, once the tenant setting is set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scope {
    /// The expression implies `tenant_column = <value derived from a setting>`.
    pub scoped: bool,
    /// ... and compares the bare column (an index on it is usable).
    pub sargable: bool,
    /// Settings the scoping comparison reads.
    pub settings: Vec<String>,
}

/// Does `e`, evaluated with the tenant setting set to some tenant, imply that the tenant
/// column (attribute number `column`) equals a value derived from the setting?
pub fn tenant_scope(e: &Expr, column: i16) -> Scope {
    scope_of(&simplify_when_set(e), column)
}

fn scope_of(e: &Expr, column: i16) -> Scope {
    match e {
        Expr::And(v) => {
            // one conjunct pinning the column is enough; prefer a sargable one
            let scopes: Vec<Scope> = v.iter().map(|c| scope_of(c, column)).filter(|s| s.scoped).collect();
            scopes.iter().find(|s| s.sargable).or(scopes.first()).cloned().unwrap_or_default()
        }
        Expr::Or(v) => {
            let scopes: Vec<Scope> = v.iter().map(|c| scope_of(c, column)).collect();
            if scopes.iter().all(|s| s.scoped) && !scopes.is_empty() {
                let mut settings = Vec::new();
                for s in &scopes {
                    for x in &s.settings {
                        if !settings.contains(x) {
                            settings.push(x.clone());
                        }
                    }
                }
                Scope { scoped: true, sargable: scopes.iter().all(|s| s.sargable), settings }
            } else {
                Scope::default()
            }
        }
        Expr::Cmp { op: op @ (CmpOp::Eq | CmpOp::IsNotDistinct), l, r } => {
            for (a, b) in [(l, r), (r, l)] {
                if let Some(bare) = column_side(a, column) {
                    if let Some(settings) = setting_side(b) {
                        // IS NOT DISTINCT FROM is no index condition (the plan filters)
                        return Scope { scoped: true, sargable: bare && *op == CmpOp::Eq, settings };
                    }
                }
            }
            Scope::default()
        }
        // a boolean COALESCE is true only where one of its arguments is: those that can be
        // true must all pin the column (an index cannot serve a COALESCE)
        Expr::Coalesce(v) => {
            let branches: Vec<Expr> = v.iter().filter(|x| !never_true(x)).cloned().collect();
            not_sargable(scope_of(&Expr::Or(branches), column))
        }
        // a boolean CASE is true only where a branch that can be taken is: WHEN c THEN r
        // admits `c AND r`, ELSE d admits d (ignoring the earlier conditions only widens it)
        Expr::Case { arms, default } => {
            let mut branches: Vec<Expr> = arms
                .iter()
                .filter(|(c, r)| !never_true(c) && !never_true(r))
                .map(|(c, r)| Expr::And(vec![c.clone(), r.clone()]))
                .collect();
            if !never_true(default) {
                branches.push(default.as_ref().clone());
            }
            not_sargable(scope_of(&Expr::Or(branches), column))
        }
        Expr::AnyCmp { op: CmpOp::Eq, all: false, l, r } => {
            if let (Some(bare), Some(settings)) = (column_side(l, column), setting_side(r)) {
                Scope { scoped: true, sargable: bare, settings }
            } else {
                Scope::default()
            }
        }
        Expr::IsBool { e, value: true, negated: false } => scope_of(e, column),
        _ => Scope::default(),
    }
}

/// `false` and NULL are never true.
fn never_true(e: &Expr) -> bool {
    matches!(e, Expr::Bool(false) | Expr::Null)
}

fn not_sargable(s: Scope) -> Scope {
    Scope { sargable: false, ..s }
}

/// Is the expression nothing but one equality between the tenant column (bare, cast or
/// case-folded) and a value derived from settings? Then the generated predicate can replace it
/// without dropping another condition (rls_perf_report's suggested `ALTER POLICY`).
pub fn sole_tenant_comparison(e: &Expr, column: i16) -> bool {
    match e {
        Expr::IsBool { e, value: true, negated: false } => sole_tenant_comparison(e, column),
        Expr::Cmp { op: CmpOp::Eq | CmpOp::IsNotDistinct, l, r } => {
            [(l, r), (r, l)].iter().any(|(a, b)| column_side(a, column).is_some() && setting_side(b).is_some())
        }
        _ => false,
    }
}

/// `Some(true)` for the bare tenant column (or under a binary-compatible relabelling, which an
/// index on it still serves), `Some(false)` for the column under a converting cast or
/// lower/upper/btrim/text (still pinned, but no index use), `None` otherwise.
fn column_side(e: &Expr, column: i16) -> Option<bool> {
    match e {
        Expr::Col(c) if *c == column => Some(true),
        Expr::Cast { arg, binary: true, .. } => column_side(arg, column),
        Expr::Cast { arg, binary: false, .. } | Expr::Checked { arg, .. } => column_side(arg, column).map(|_| false),
        Expr::Func { casefold: true, args, .. } if args.len() == 1 => column_side(&args[0], column).map(|_| false),
        _ => None,
    }
}

/// The settings a value is derived from, if it is derived from settings and constants only.
/// A CASE is not: one of its branches may be a constant (another tenant's id).
pub(crate) fn setting_side(e: &Expr) -> Option<Vec<String>> {
    let mut settings = Vec::new();
    settings_read(e, CONFIGURED_SETTING, &mut settings);
    let pure = !contains(e, &|x| matches!(x, Expr::Col(_) | Expr::Opaque(_) | Expr::Case { .. }));
    if pure && !settings.is_empty() {
        Some(settings)
    } else {
        None
    }
}

/// Rewrite tests that can only be true when a setting is missing or empty to `false`:
/// the expression as it behaves for a request that did set its tenant.
fn simplify_when_set(e: &Expr) -> Expr {
    let is_setting_value = |x: &Expr| setting_side(x).is_some() && !contains(x, &|y| matches!(y, Expr::Coalesce(_)));
    match e {
        Expr::IsNull { e: inner, negated } if is_setting_value(inner) => Expr::Bool(*negated),
        Expr::Cmp { op: op @ (CmpOp::Eq | CmpOp::Ne), l, r } => {
            let empty = |x: &Expr| matches!(strip_casts(x), Expr::Str(s) if s.is_empty());
            if (is_setting_value(l) && empty(r)) || (is_setting_value(r) && empty(l)) {
                return Expr::Bool(*op == CmpOp::Ne);
            }
            // coalesce(setting, fallback): with the setting set, it is the setting
            Expr::Cmp { op: *op, l: Box::new(simplify_value(l)), r: Box::new(simplify_value(r)) }
        }
        Expr::AnyCmp { op, all, l, r } => {
            Expr::AnyCmp { op: *op, all: *all, l: Box::new(simplify_value(l)), r: Box::new(simplify_value(r)) }
        }
        Expr::Coalesce(v) => Expr::Coalesce(v.iter().map(simplify_when_set).collect()),
        Expr::Case { arms, default } => Expr::Case {
            arms: arms.iter().map(|(c, r)| (simplify_when_set(c), simplify_when_set(r))).collect(),
            default: Box::new(simplify_when_set(default)),
        },
        Expr::Not(inner) => match simplify_when_set(inner) {
            Expr::Bool(b) => Expr::Bool(!b),
            other => Expr::Not(Box::new(other)),
        },
        Expr::And(v) => {
            let v: Vec<Expr> = v.iter().map(simplify_when_set).collect();
            if v.contains(&Expr::Bool(false)) {
                Expr::Bool(false)
            } else {
                let v: Vec<Expr> = v.into_iter().filter(|x| *x != Expr::Bool(true)).collect();
                match v.len() {
                    0 => Expr::Bool(true),
                    1 => v.into_iter().next().unwrap(),
                    _ => Expr::And(v),
                }
            }
        }
        Expr::Or(v) => {
            let v: Vec<Expr> = v.iter().map(simplify_when_set).collect();
            if v.contains(&Expr::Bool(true)) {
                Expr::Bool(true)
            } else {
                let v: Vec<Expr> = v.into_iter().filter(|x| *x != Expr::Bool(false)).collect();
                match v.len() {
                    0 => Expr::Bool(false),
                    1 => v.into_iter().next().unwrap(),
                    _ => Expr::Or(v),
                }
            }
        }
        other => other.clone(),
    }
}

/// `COALESCE(NULLIF(setting, ''), x)` with the setting set is the setting.
fn simplify_value(e: &Expr) -> Expr {
    match e {
        Expr::Coalesce(args) if !args.is_empty() && setting_side(&args[0]).is_some() => simplify_value(&args[0]),
        Expr::Cast { arg, to_string, binary } => {
            Expr::Cast { arg: Box::new(simplify_value(arg)), to_string: *to_string, binary: *binary }
        }
        Expr::Checked { arg, not_null } => Expr::Checked { arg: Box::new(simplify_value(arg)), not_null: *not_null },
        other => other.clone(),
    }
}
