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

fn eval_val(e: &Expr, st: SettingState) -> Val {
    match e {
        Expr::Null => Val::Null,
        Expr::Str(s) | Expr::Num(s) => Val::Const(s.clone()),
        Expr::Bool(b) => Val::Const(b.to_string()),
        Expr::Col(c) => Val::Col(*c),
        Expr::Setting { missing_ok, empty_is_null, .. } => match st {
            SettingState::Unset if *missing_ok => Val::Null,
            SettingState::Unset => Val::Error,
            SettingState::Cleared if *empty_is_null => Val::Null,
            SettingState::Cleared => Val::Const(String::new()),
        },
        Expr::Cast { arg, to_string, .. } => match eval_val(arg, st) {
            // '' is not a uuid, an integer, …: the cast raises an error
            Val::Const(s) if s.is_empty() && !to_string => Val::Error,
            Val::Col(c) => Val::Col(c),
            other => other,
        },
        Expr::NullIf(a, b) => match (eval_val(a, st), eval_val(b, st)) {
            (Val::Error, _) | (_, Val::Error) => Val::Error,
            (Val::Null, _) => Val::Null,
            (Val::Const(x), Val::Const(y)) if x == y => Val::Null,
            (x @ Val::Const(_), Val::Const(_)) => x,
            _ => Val::Unknown,
        },
        Expr::Coalesce(args) => {
            for a in args {
                match eval_val(a, st) {
                    Val::Null => continue,
                    other => return other,
                }
            }
            Val::Null
        }
        Expr::Func { args, strict, .. } => {
            let vals: Vec<Val> = args.iter().map(|a| eval_val(a, st)).collect();
            if vals.contains(&Val::Error) {
                Val::Error
            } else if *strict && vals.contains(&Val::Null) {
                // a strict function: NULL in, NULL out
                Val::Null
            } else {
                Val::Unknown
            }
        }
        _ => Val::Unknown,
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
    match e {
        Expr::Bool(b) => three(*b),
        Expr::Null => N,
        Expr::And(v) => v.iter().fold(T, |acc, c| and3(acc, eval_bool(c, st))),
        Expr::Or(v) => v.iter().fold(F, |acc, c| or3(acc, eval_bool(c, st))),
        Expr::Not(inner) => {
            let x = eval_bool(inner, st);
            let mut out = x & (N | E);
            if x & T != 0 {
                out |= F;
            }
            if x & F != 0 {
                out |= T;
            }
            out
        }
        Expr::IsNull { e: inner, negated } => {
            let r = match eval_val(inner, st) {
                Val::Null => three(true),
                Val::Const(_) => three(false),
                Val::Error => E,
                Val::Col(_) | Val::Unknown => T | F,
            };
            if *negated {
                flip(r)
            } else {
                r
            }
        }
        Expr::IsBool { e: inner, value, negated } => {
            let x = eval_bool(inner, st);
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
            let (a, b) = (eval_val(l, st), eval_val(r, st));
            if a == Val::Error || b == Val::Error {
                return E;
            }
            let distinct_op = matches!(op, CmpOp::IsDistinct | CmpOp::IsNotDistinct);
            match (&a, &b) {
                (Val::Null, Val::Null) if distinct_op => three(*op == CmpOp::IsNotDistinct),
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
            }
        }
        Expr::AnyCmp { l, r, .. } => {
            let (a, b) = (eval_val(l, st), eval_val(r, st));
            if a == Val::Error || b == Val::Error {
                E
            } else if a == Val::Null || b == Val::Null {
                N
            } else {
                T | F | N
            }
        }
        Expr::Col(_)
        | Expr::Func { .. }
        | Expr::Cast { .. }
        | Expr::Coalesce(_)
        | Expr::NullIf(..)
        | Expr::Setting { .. } => match eval_val(e, st) {
            Val::Error => E,
            Val::Null => N,
            Val::Const(s) => three(s == "true" || s == "t"),
            _ => T | F | N,
        },
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
    [SettingState::Unset, SettingState::Cleared].into_iter().find(|st| eval_bool(e, *st) & T != 0)
}

/// The policy raises an error (rather than returning no rows) when the setting is unset
/// or cleared, e.g. `current_setting('x')` without `missing_ok`, or `''::uuid`.
pub fn errors_without_tenant(e: &Expr) -> Option<SettingState> {
    [SettingState::Unset, SettingState::Cleared].into_iter().find(|st| eval_bool(e, *st) & E != 0)
}
