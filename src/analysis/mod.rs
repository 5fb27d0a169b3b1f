//! Policy expressions: the [`Expr`] form the checks reason about, and the analyses they need
//! (is the tenant column pinned to the tenant setting? does the policy admit rows when the
//! setting is unset or cleared? does it error then?). Pure Rust, no PostgreSQL: tested with
//! plain `cargo test`.
//!
//! `parse` reads the text `pg_get_expr()` prints; anything it does not understand becomes
//! [`Expr::Opaque`], which the analyses treat as "unknown": never as proof of isolation.

mod eval;
mod parse;
mod scope;
#[cfg(test)]
mod tests;

pub use eval::{errors_without_tenant, eval_bool, fails_open, SettingState, E, F, N, T};
pub use parse::parse;
pub use scope::{settings_read, tenant_scope, Scope};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Bool(bool),
    Null,
    Str(String),
    Num(String),
    /// A column reference (last name part, as deparsed: unquoted and case-folded by PostgreSQL).
    Col(String),
    /// `current_setting('name'[, missing_ok])`, or our own `current_tenant_id()`.
    Setting {
        name: String,
        missing_ok: bool,
        empty_is_null: bool,
    },
    Func {
        name: String,
        args: Vec<Expr>,
    },
    Cast(Box<Expr>, String),
    NullIf(Box<Expr>, Box<Expr>),
    Coalesce(Vec<Expr>),
    Cmp {
        op: String,
        l: Box<Expr>,
        r: Box<Expr>,
    },
    /// `l op ANY (r)` / `l op ALL (r)`
    AnyCmp {
        op: String,
        all: bool,
        l: Box<Expr>,
        r: Box<Expr>,
    },
    IsNull {
        e: Box<Expr>,
        negated: bool,
    },
    /// `e IS [NOT] TRUE|FALSE`
    IsBool {
        e: Box<Expr>,
        value: bool,
        negated: bool,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Opaque(String),
}

/// Placeholder name for "the configured tenant setting" used by `current_tenant_id()`;
/// the analyses treat it as the configured setting.
pub const CONFIGURED_SETTING: &str = "<rls_fixer.tenant_setting>";

pub(crate) fn strip_casts(e: &Expr) -> &Expr {
    match e {
        Expr::Cast(inner, _) => strip_casts(inner),
        other => other,
    }
}

pub(crate) fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Func { args, .. } | Expr::Coalesce(args) | Expr::And(args) | Expr::Or(args) => args.iter().collect(),
        Expr::Cast(a, _) | Expr::Not(a) | Expr::IsNull { e: a, .. } | Expr::IsBool { e: a, .. } => vec![a],
        Expr::NullIf(a, b) | Expr::Cmp { l: a, r: b, .. } | Expr::AnyCmp { l: a, r: b, .. } => vec![a, b],
        _ => vec![],
    }
}

pub(crate) fn contains(e: &Expr, pred: &dyn Fn(&Expr) -> bool) -> bool {
    pred(e) || children(e).into_iter().any(|c| contains(c, pred))
}
