//! Policy expressions: the [`Expr`] form the checks reason about, read from the policies' node
//! trees (`pg_policy.polqual` / `polwithcheck`), and the analyses the checks need (is the
//! tenant column pinned to the tenant setting? does the policy admit rows when the setting is
//! unset or cleared? does it error then?). Pure Rust, no PostgreSQL: tested with `cargo test`.
//!
//! Everything is identified by OID, never by name: operators are equalities when a btree
//! operator family says so (only superusers define those), the tenant setting is read by
//! pg_catalog's `current_setting` or the extension's own accessor, casts keep their target
//! type. Anything not modelled becomes [`Expr::Opaque`], which the analyses treat as
//! "unknown": never as proof of isolation.

mod eval;
mod lower;
pub mod node;
mod scope;
#[cfg(test)]
mod tests;
#[cfg(test)]
pub mod write;

pub use eval::{
    errors_without_tenant, errors_without_tenant_with, eval_bool, fails_open, fails_open_with, SettingState, E, F, N, T,
};
pub use lower::{lower, lower_with, Lowered};
pub use scope::{settings_read, sole_tenant_comparison, tenant_scope, Scope};

/// A comparison, by what the operator means (btree strategy, or the node kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
    /// the negator of an equality
    Ne,
    IsDistinct,
    IsNotDistinct,
    /// any other boolean operator
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    Bool(bool),
    Null,
    /// a constant of a string type (text, varchar, bpchar, name, unknown, citext …)
    Str(String),
    /// any other constant, in a form that is only compared for equality
    Num(String),
    /// a column of the policy's table, by attribute number
    Col(i16),
    /// `current_setting('name'[, missing_ok])`, or the extension's own accessor
    Setting {
        name: String,
        missing_ok: bool,
        empty_is_null: bool,
    },
    /// a function call (operators that do not return boolean included)
    Func {
        oid: i64,
        /// NULL in, NULL out
        strict: bool,
        /// lower/upper/btrim/text: the column under it is still pinned, but no index applies
        casefold: bool,
        args: Vec<Expr>,
    },
    /// a coercion to a domain with constraints: the value passes through unchanged but the
    /// domain's CHECK constraints may raise for a non-NULL value (`''::tenant_code`), and a
    /// NOT NULL domain raises for NULL
    Checked {
        arg: Box<Expr>,
        not_null: bool,
    },
    /// a searched `CASE WHEN c1 THEN r1 … ELSE d END` (a missing ELSE is NULL)
    Case {
        arms: Vec<(Expr, Expr)>,
        default: Box<Expr>,
    },
    /// a type coercion
    Cast {
        arg: Box<Expr>,
        /// the target type accepts '' (string category)
        to_string: bool,
        /// same representation (RelabelType, domain): an index on the column still applies
        binary: bool,
    },
    NullIf(Box<Expr>, Box<Expr>),
    Coalesce(Vec<Expr>),
    Cmp {
        op: CmpOp,
        l: Box<Expr>,
        r: Box<Expr>,
    },
    /// `l op ANY (r)` / `l op ALL (r)`
    AnyCmp {
        op: CmpOp,
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
    /// a node kind the analysis does not model (subqueries, a CASE with an operand, …)
    Opaque(String),
}

/// Placeholder name for "the configured tenant setting", read by the extension's accessor
/// `current_tenant_id()`; the analyses treat it as the configured setting.
pub const CONFIGURED_SETTING: &str = "<rls_fixer.tenant_setting>";

/// The protected tenant, read by `rls_fixer.tenant()`: not a setting any role can SET.
pub const PROTECTED_TENANT: &str = "rls_fixer.tenant";

pub(crate) fn strip_casts(e: &Expr) -> &Expr {
    match e {
        Expr::Cast { arg, .. } | Expr::Checked { arg, .. } => strip_casts(arg),
        other => other,
    }
}

pub(crate) fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Func { args, .. } | Expr::Coalesce(args) | Expr::And(args) | Expr::Or(args) => args.iter().collect(),
        Expr::Cast { arg: a, .. }
        | Expr::Checked { arg: a, .. }
        | Expr::Not(a)
        | Expr::IsNull { e: a, .. }
        | Expr::IsBool { e: a, .. } => vec![a],
        Expr::Case { arms, default } => {
            arms.iter().flat_map(|(c, r)| [c, r]).chain(std::iter::once(default.as_ref())).collect()
        }
        Expr::NullIf(a, b) | Expr::Cmp { l: a, r: b, .. } | Expr::AnyCmp { l: a, r: b, .. } => vec![a, b],
        _ => vec![],
    }
}

pub(crate) fn contains(e: &Expr, pred: &dyn Fn(&Expr) -> bool) -> bool {
    pred(e) || children(e).into_iter().any(|c| contains(c, pred))
}
