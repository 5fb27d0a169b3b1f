//! Abstract evaluation of a policy expression with the tenant setting unset or cleared: which
//! outcomes (true, false, NULL, error) can it have for some row?

use super::{CmpOp, Expr};

/// The tenant setting's state when a request forgot (or cleared) its tenant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingState {
    /// never set in this session: `current_setting(x, true)` is NULL, without `true` it errors
    Unset,
    /// cleared to '' (what `RESET`/`set_config(x, '', …)` leave behind)
    Cleared,
}

/// Possible outcomes of a boolean expression for some row: a bit set.
pub const T: u8 = 1;
pub const F: u8 = 2;
pub const N: u8 = 4;
pub const E: u8 = 8; // the query raises an error

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Const(String),
    Col(i16),
    Unknown,
    Error,
}

/// What the evaluation knows besides the expression: the setting's state, and the columns of
/// the policy's table that are NOT NULL (a NOT NULL column never compares as NULL).
struct Env<'a> {
    st: SettingState,
    not_null: &'a [i16],
}

/// A value, and whether computing it may also raise an error (a domain CHECK on a constant).
fn eval_val(e: &Expr, env: &Env) -> (Val, bool) {
    let st = env.st;
    match e {
        Expr::Null => (Val::Null, false),
        Expr::Str(s) | Expr::Num(s) => (Val::Const(s.clone()), false),
        Expr::Bool(b) => (Val::Const(b.to_string()), false),
        Expr::Col(c) => (Val::Col(*c), false),
        Expr::Setting { missing_ok, empty_is_null, .. } => (
            match st {
                SettingState::Unset if *missing_ok => Val::Null,
                SettingState::Unset => Val::Error,
                SettingState::Cleared if *empty_is_null => Val::Null,
                SettingState::Cleared => Val::Const(String::new()),
            },
            false,
        ),
        Expr::Cast { arg, to_string, .. } => {
            let (v, m) = eval_val(arg, env);
            let v = match v {
                // '' is not a uuid, an integer, …: the cast raises an error
                Val::Const(s) if s.is_empty() && !to_string => Val::Error,
                other => other,
            };
            (v, m)
        }
        Expr::Checked { arg, not_null } => {
            let (v, m) = eval_val(arg, env);
            match v {
                // NULL passes CHECK constraints; a NOT NULL domain rejects it
                Val::Null if *not_null => (Val::Error, m),
                Val::Null => (Val::Null, m),
                Val::Error => (Val::Error, m),
                // any other value may fail a CHECK (what it tests is not modelled)
                other => (other, true),
            }
        }
        Expr::NullIf(a, b) => {
            let ((x, m1), (y, m2)) = (eval_val(a, env), eval_val(b, env));
            let v = match (x, y) {
                (Val::Error, _) | (_, Val::Error) => Val::Error,
                (Val::Null, _) => Val::Null,
                (Val::Const(x), Val::Const(y)) if x == y => Val::Null,
                (x @ Val::Const(_), Val::Const(_)) => x,
                _ => Val::Unknown,
            };
            (v, m1 || m2)
        }
        Expr::Coalesce(args) => {
            let mut m = false;
            for a in args {
                let (v, m1) = eval_val(a, env);
                m |= m1;
                match v {
                    Val::Null => continue,
                    other => return (other, m),
                }
            }
            (Val::Null, m)
        }
        Expr::Func { args, strict, .. } => {
            let vals: Vec<(Val, bool)> = args.iter().map(|a| eval_val(a, env)).collect();
            let m = vals.iter().any(|(_, m)| *m);
            let v = if vals.iter().any(|(v, _)| *v == Val::Error) {
                Val::Error
            } else if *strict && vals.iter().any(|(v, _)| *v == Val::Null) {
                // a strict function: NULL in, NULL out
                Val::Null
            } else {
                Val::Unknown
            };
            (v, m)
        }
        Expr::Case { arms, default } => {
            // the values of the branches that can be taken: one value when they agree
            let mut vals: Vec<Val> = Vec::new();
            let mut m = false;
            let mut reach = true;
            for (c, r) in arms {
                let x = eval_bool_in(c, env);
                m |= x & E != 0;
                if x & T != 0 {
                    let (v, m1) = eval_val(r, env);
                    m |= m1;
                    vals.push(v);
                }
                if x & (F | N) == 0 {
                    reach = false;
                    break;
                }
            }
            if reach {
                let (v, m1) = eval_val(default, env);
                m |= m1;
                vals.push(v);
            }
            match vals.split_first() {
                Some((first, rest)) if rest.iter().all(|v| v == first) => (first.clone(), m),
                // no branch can be taken: every condition raises
                None => (Val::Error, m),
                _ => (Val::Unknown, m),
            }
        }
        _ => (Val::Unknown, false),
    }
}

fn three(b: bool) -> u8 {
    if b {
        T
    } else {
        F
    }
}

/// The set of outcomes (`T|F|N|E`) the expression can have for some row.
pub fn eval_bool(e: &Expr, st: SettingState) -> u8 {
    eval_bool_in(e, &Env { st, not_null: &[] })
}

fn err(m: bool) -> u8 {
    if m {
        E
    } else {
        0
    }
}

fn eval_bool_in(e: &Expr, env: &Env) -> u8 {
    match e {
        Expr::Bool(b) => three(*b),
        Expr::Null => N,
        Expr::And(v) => v.iter().fold(T, |acc, c| and3(acc, eval_bool_in(c, env))),
        Expr::Or(v) => v.iter().fold(F, |acc, c| or3(acc, eval_bool_in(c, env))),
        Expr::Not(inner) => flip(eval_bool_in(inner, env)),
        Expr::IsNull { e: inner, negated } => {
            let (v, m) = eval_val(inner, env);
            let r = match v {
                Val::Null => three(true),
                Val::Const(_) => three(false),
                Val::Error => E,
                Val::Col(c) if env.not_null.contains(&c) => three(false),
                Val::Col(_) | Val::Unknown => T | F,
            } | err(m);
            if *negated {
                flip(r)
            } else {
                r
            }
        }
        Expr::IsBool { e: inner, value, negated } => {
            let x = eval_bool_in(inner, env);
            let mut r = x & E;
            let hit = if *value { T } else { F };
            if x & hit != 0 {
                r |= if *negated { F } else { T };
            }
            if x & !hit & (T | F | N) != 0 {
                r |= if *negated { T } else { F };
            }
            r
        }
        Expr::Cmp { op, l, r } => {
            let ((a, m1), (b, m2)) = (eval_val(l, env), eval_val(r, env));
            if a == Val::Error || b == Val::Error {
                return E;
            }
            let nn = |v: &Val| matches!(v, Val::Col(c) if env.not_null.contains(c));
            let distinct_op = matches!(op, CmpOp::IsDistinct | CmpOp::IsNotDistinct);
            let out = match (&a, &b) {
                (Val::Null, Val::Null) if distinct_op => three(*op == CmpOp::IsNotDistinct),
                // a NOT NULL column (or a constant) is distinct from NULL
                (Val::Null, x) | (x, Val::Null) if distinct_op && (nn(x) || matches!(x, Val::Const(_))) => {
                    three(*op == CmpOp::IsDistinct)
                }
                (Val::Null, _) | (_, Val::Null) if distinct_op => T | F,
                (Val::Null, _) | (_, Val::Null) => N,
                (Val::Const(x), Val::Const(y)) => match op {
                    CmpOp::Eq | CmpOp::IsNotDistinct => three(x == y),
                    CmpOp::Ne | CmpOp::IsDistinct => three(x != y),
                    _ => T | F,
                },
                // an empty tenant id is no tenant's: `col = ''` admits no tenant's rows
                (Val::Col(_), Val::Const(s)) | (Val::Const(s), Val::Col(_)) if s.is_empty() && *op == CmpOp::Eq => {
                    F | N
                }
                (Val::Col(x), Val::Col(y)) if x == y => match op {
                    CmpOp::Eq | CmpOp::Le | CmpOp::Ge => T | N,
                    CmpOp::IsNotDistinct => T,
                    CmpOp::Ne | CmpOp::Lt | CmpOp::Gt => F | N,
                    CmpOp::IsDistinct => F,
                    CmpOp::Other => T | F | N,
                },
                _ => T | F | N,
            };
            out | err(m1 || m2)
        }
        Expr::AnyCmp { l, r, .. } => {
            let ((a, m1), (b, m2)) = (eval_val(l, env), eval_val(r, env));
            if a == Val::Error || b == Val::Error {
                E
            } else if a == Val::Null || b == Val::Null {
                N | err(m1 || m2)
            } else {
                T | F | N | err(m1 || m2)
            }
        }
        // a boolean COALESCE: the first argument that is not NULL decides
        Expr::Coalesce(args) => {
            let mut out = 0;
            for a in args {
                let x = eval_bool_in(a, env);
                out |= x & (T | F | E);
                if x & N == 0 {
                    return out;
                }
            }
            out | N
        }
        // a boolean CASE: the result of every branch that can be taken
        Expr::Case { arms, default } => {
            let mut out = 0;
            for (c, r) in arms {
                let x = eval_bool_in(c, env);
                out |= x & E;
                if x & T != 0 {
                    out |= eval_bool_in(r, env);
                }
                if x & (F | N) == 0 {
                    return out;
                }
            }
            out | eval_bool_in(default, env)
        }
        Expr::Col(_)
        | Expr::Func { .. }
        | Expr::Cast { .. }
        | Expr::Checked { .. }
        | Expr::NullIf(..)
        | Expr::Setting { .. } => {
            let (v, m) = eval_val(e, env);
            err(m)
                | match v {
                    Val::Error => E,
                    Val::Null => N,
                    Val::Const(s) => three(s == "true" || s == "t"),
                    _ => T | F | N,
                }
        }
        Expr::Str(_) | Expr::Num(_) => T | F,
        Expr::Opaque(_) => T | F | N,
    }
}

fn flip(x: u8) -> u8 {
    let mut o = x & (N | E);
    if x & T != 0 {
        o |= F;
    }
    if x & F != 0 {
        o |= T;
    }
    o
}

fn and3(a: u8, b: u8) -> u8 {
    let mut o = 0;
    for x in [T, F, N, E] {
        for y in [T, F, N, E] {
            if a & x == 0 || b & y == 0 {
                continue;
            }
            o |= match (x, y) {
                (E, _) | (_, E) => E,
                (F, _) | (_, F) => F,
                (N, _) | (_, N) => N,
                _ => T,
            };
        }
    }
    o
}

fn or3(a: u8, b: u8) -> u8 {
    let mut o = 0;
    for x in [T, F, N, E] {
        for y in [T, F, N, E] {
            if a & x == 0 || b & y == 0 {
                continue;
            }
            o |= match (x, y) {
                (E, _) | (_, E) => E,
                (T, _) | (_, T) => T,
                (N, _) | (_, N) => N,
                _ => F,
            };
        }
    }
    o
}

/// The policy admits rows when the tenant setting is unset or cleared.
pub fn fails_open(e: &Expr) -> Option<SettingState> {
    fails_open_with(e, &[])
}

/// [`fails_open`], knowing which columns of the table are NOT NULL.
pub fn fails_open_with(e: &Expr, not_null: &[i16]) -> Option<SettingState> {
    [SettingState::Unset, SettingState::Cleared]
        .into_iter()
        .find(|st| eval_bool_in(e, &Env { st: *st, not_null }) & T != 0)
}

/// The policy raises an error (rather than returning no rows) when the setting is unset
/// or cleared, e.g. `current_setting('x')` without `missing_ok`, `''::uuid`, or `''` cast to
/// a domain whose CHECK may reject it.
pub fn errors_without_tenant(e: &Expr) -> Option<SettingState> {
    errors_without_tenant_with(e, &[])
}

/// [`errors_without_tenant`], knowing which columns of the table are NOT NULL.
pub fn errors_without_tenant_with(e: &Expr, not_null: &[i16]) -> Option<SettingState> {
    [SettingState::Unset, SettingState::Cleared]
        .into_iter()
        .find(|st| eval_bool_in(e, &Env { st: *st, not_null }) & E != 0)
}
