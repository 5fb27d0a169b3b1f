//! Tests only: write an [`Expr`] as the node-tree text PostgreSQL would store for it (with the
//! OIDs of [`Catalog::builtin`](crate::snapshot::Catalog::builtin)), so unit tests build
//! policies from readable expressions and still go through the real reader and lowering.
//! Plus short builders for those expressions.

use super::{CmpOp, Expr, CONFIGURED_SETTING, PROTECTED_TENANT};

fn text_const(s: &str) -> String {
    let len = 4 + s.len();
    let mut bytes: Vec<u8> = ((len as u32) << 2).to_le_bytes().to_vec();
    bytes.extend_from_slice(s.as_bytes());
    let list: Vec<String> = bytes.iter().map(|b| (*b as i8).to_string()).collect();
    format!(
        "{{CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false :constisnull false :location -1 :constvalue {len} [ {} ]}}",
        list.join(" ")
    )
}

fn byval_const(ty: i64, len: usize, v: i64) -> String {
    let bytes: Vec<String> = v.to_le_bytes().iter().map(|b| (*b as i8).to_string()).collect();
    format!(
        "{{CONST :consttype {ty} :consttypmod -1 :constcollid 0 :constlen {len} :constbyval true :constisnull false :location -1 :constvalue {len} [ {} ]}}",
        bytes.join(" ")
    )
}

fn args(v: &[&Expr]) -> String {
    let parts: Vec<String> = v.iter().map(|e| tree(e)).collect();
    format!("({})", parts.join(" "))
}

fn op(opno: i64, l: &Expr, r: &Expr) -> String {
    format!("{{OPEXPR :opno {opno} :opfuncid 0 :opresulttype 16 :opretset false :args {} :location -1}}", args(&[l, r]))
}

fn cmp_opno(op: CmpOp) -> i64 {
    match op {
        CmpOp::Lt => 664,
        CmpOp::Le => 665,
        CmpOp::Eq => 98,
        CmpOp::Ge => 667,
        CmpOp::Gt => 666,
        CmpOp::Ne => 531,
        _ => 999_999,
    }
}

/// The node-tree text of `e`.
pub fn tree(e: &Expr) -> String {
    match e {
        Expr::Bool(b) => byval_const(16, 1, *b as i64),
        Expr::Null => "{CONST :consttype 25 :consttypmod -1 :constlen -1 :constbyval false :constisnull true :location -1 :constvalue <>}".into(),
        Expr::Str(s) => text_const(s),
        Expr::Num(n) => byval_const(20, 8, n.parse().expect("test numbers are integers")),
        Expr::Col(a) => format!("{{VAR :varno 1 :varattno {a} :vartype 25 :vartypmod -1 :varcollid 100 :varlevelsup 0 :location -1}}"),
        Expr::Setting { name, .. } if name == CONFIGURED_SETTING => {
            "{FUNCEXPR :funcid 900001 :funcresulttype 25 :funcretset false :funcvariadic false :funcformat 0 :args <> :location -1}".into()
        }
        Expr::Setting { name, .. } if name == PROTECTED_TENANT => {
            "{FUNCEXPR :funcid 900002 :funcresulttype 25 :funcretset false :funcvariadic false :funcformat 0 :args <> :location -1}".into()
        }
        Expr::Setting { name, missing_ok, .. } => {
            let (oid, a) = if *missing_ok {
                (3294, format!("({} {})", text_const(name), byval_const(16, 1, 1)))
            } else {
                (2077, format!("({})", text_const(name)))
            };
            format!("{{FUNCEXPR :funcid {oid} :funcresulttype 25 :funcretset false :funcvariadic false :funcformat 0 :args {a} :location -1}}")
        }
        Expr::Func { oid, args: a, .. } => {
            let a: Vec<&Expr> = a.iter().collect();
            format!("{{FUNCEXPR :funcid {oid} :funcresulttype 25 :funcretset false :funcvariadic false :funcformat 0 :args {} :location -1}}", args(&a))
        }
        Expr::Cast { arg, to_string, binary } => {
            let ty = if *to_string { 25 } else { 2950 };
            let tag = if *binary { "RELABELTYPE" } else { "COERCEVIAIO" };
            format!("{{{tag} :arg {} :resulttype {ty} :resultcollid 0 :location -1}}", tree(arg))
        }
        // what lowering makes of a COERCETODOMAIN to a checked domain: Checked(Cast(binary))
        Expr::Checked { arg, not_null } => {
            let inner = match arg.as_ref() {
                Expr::Cast { arg, binary: true, .. } => arg.as_ref(),
                other => other,
            };
            let ty = if *not_null { 900_011 } else { 900_010 };
            format!("{{COERCETODOMAIN :arg {} :resulttype {ty} :resulttypmod -1 :resultcollid 100 :coercionformat 1 :location -1}}", tree(inner))
        }
        Expr::Case { arms, default } => {
            let whens: Vec<String> = arms
                .iter()
                .map(|(c, r)| format!("{{CASEWHEN :expr {} :result {} :location -1}}", tree(c), tree(r)))
                .collect();
            let def = if **default == Expr::Null { "<>".to_string() } else { tree(default) };
            format!("{{CASEEXPR :casetype 16 :casecollid 0 :arg <> :args ({}) :defresult {def} :location -1}}", whens.join(" "))
        }
        Expr::NullIf(a, b) => format!("{{NULLIFEXPR :opno 98 :opfuncid 67 :opresulttype 25 :args {} :location -1}}", args(&[a, b])),
        Expr::Coalesce(v) => {
            let v: Vec<&Expr> = v.iter().collect();
            format!("{{COALESCEEXPR :coalescetype 25 :args {} :location -1}}", args(&v))
        }
        Expr::Cmp { op: CmpOp::IsDistinct, l, r } => {
            format!("{{DISTINCTEXPR :opno 98 :opfuncid 67 :opresulttype 16 :args {} :location -1}}", args(&[l, r]))
        }
        Expr::Cmp { op: CmpOp::IsNotDistinct, l, r } => format!(
            "{{BOOLEXPR :boolop not :args ({{DISTINCTEXPR :opno 98 :opfuncid 67 :opresulttype 16 :args {} :location -1}}) :location -1}}",
            args(&[l, r])
        ),
        Expr::Cmp { op: o, l, r } => op(cmp_opno(*o), l, r),
        Expr::AnyCmp { op: o, all, l, r } => format!(
            "{{SCALARARRAYOPEXPR :opno {} :opfuncid 0 :useOr {} :args {} :location -1}}",
            cmp_opno(*o),
            !all,
            args(&[l, r])
        ),
        Expr::IsNull { e, negated } => {
            format!("{{NULLTEST :arg {} :nulltesttype {} :argisrow false :location -1}}", tree(e), *negated as i32)
        }
        Expr::IsBool { e, value, negated } => {
            let t = match (value, negated) {
                (true, false) => 0,
                (true, true) => 1,
                (false, false) => 2,
                (false, true) => 3,
            };
            format!("{{BOOLEANTEST :arg {} :booltesttype {t} :location -1}}", tree(e))
        }
        Expr::And(v) | Expr::Or(v) => {
            let w = if matches!(e, Expr::And(_)) { "and" } else { "or" };
            let v: Vec<&Expr> = v.iter().collect();
            format!("{{BOOLEXPR :boolop {w} :args {} :location -1}}", args(&v))
        }
        Expr::Not(x) => format!("{{BOOLEXPR :boolop not :args {} :location -1}}", args(&[x])),
        Expr::Opaque(_) => "{CASEEXPR :casetype 16 :arg <> :args <> :defresult <> :location -1}".into(),
    }
}

/// `(SELECT e)`: a scalar sub-select without FROM, as PostgreSQL stores it.
pub fn scalar_subselect(e: &Expr) -> String {
    format!(
        "{{SUBLINK :subLinkType 4 :subLinkId 0 :testexpr <> :operName <> :subselect {{QUERY :commandType 1 :querySource 0 :canSetTag true :utilityStmt <> :resultRelation 0 :cteList <> :rtable <> :jointree {{FROMEXPR :fromlist <> :quals <>}} :targetList ({{TARGETENTRY :expr {} :resno 1 :resname nullif :resjunk false}}) :groupClause <> :havingQual <> :sortClause <> :limitOffset <> :limitCount <> :setOperations <>}} :location -1}}",
        tree(e).replace(":varlevelsup 0", ":varlevelsup 1")
    )
}

// ------------------------------------------------------------ builders

pub fn col(a: i16) -> Expr {
    Expr::Col(a)
}
pub fn lit(v: &str) -> Expr {
    Expr::Str(v.into())
}
pub fn num(v: i64) -> Expr {
    Expr::Num(v.to_string())
}
/// `current_setting(name, true)` (`missing_ok`) or `current_setting(name)`
pub fn setting(name: &str, missing_ok: bool) -> Expr {
    Expr::Setting { name: name.into(), missing_ok, empty_is_null: false }
}
/// the extension's own accessor, `current_tenant_id()`
pub fn accessor() -> Expr {
    Expr::Setting { name: CONFIGURED_SETTING.into(), missing_ok: true, empty_is_null: true }
}
/// the protected accessor, `rls_fixer.tenant()`
pub fn protected() -> Expr {
    Expr::Setting { name: PROTECTED_TENANT.into(), missing_ok: true, empty_is_null: true }
}
pub fn eq(l: Expr, r: Expr) -> Expr {
    Expr::Cmp { op: CmpOp::Eq, l: Box::new(l), r: Box::new(r) }
}
pub fn cmp(op: CmpOp, l: Expr, r: Expr) -> Expr {
    Expr::Cmp { op, l: Box::new(l), r: Box::new(r) }
}
pub fn nullif(a: Expr, b: Expr) -> Expr {
    Expr::NullIf(Box::new(a), Box::new(b))
}
/// a converting cast (`::uuid`, `::integer`; `::text` of a non-text value)
pub fn cast(e: Expr, to_string: bool) -> Expr {
    Expr::Cast { arg: Box::new(e), to_string, binary: false }
}
/// a binary-compatible relabelling (varchar → text)
pub fn relabel(e: Expr) -> Expr {
    Expr::Cast { arg: Box::new(e), to_string: true, binary: true }
}
pub fn is_null(e: Expr, negated: bool) -> Expr {
    Expr::IsNull { e: Box::new(e), negated }
}
pub fn or(v: Vec<Expr>) -> Expr {
    Expr::Or(v)
}
pub fn and(v: Vec<Expr>) -> Expr {
    Expr::And(v)
}
pub fn not(e: Expr) -> Expr {
    Expr::Not(Box::new(e))
}
pub fn coalesce(v: Vec<Expr>) -> Expr {
    Expr::Coalesce(v)
}
/// `e::domain` for a domain with a CHECK (and NOT NULL)
pub fn checked(e: Expr, not_null: bool) -> Expr {
    Expr::Checked { arg: Box::new(Expr::Cast { arg: Box::new(e), to_string: false, binary: true }), not_null }
}
/// `CASE WHEN c THEN r … ELSE d END`
pub fn case(arms: Vec<(Expr, Expr)>, default: Expr) -> Expr {
    Expr::Case { arms, default: Box::new(default) }
}
pub fn func(oid: i64, args: Vec<Expr>) -> Expr {
    let casefold = [870, 871, 885].contains(&oid);
    Expr::Func { oid, strict: oid != 3058, casefold, args }
}
/// The predicate rls_fix generates, as PostgreSQL stores it: `col = (SELECT NULLIF(...))`
/// (text) or `col = (SELECT (NULLIF(...))::uuid)`.
pub fn generated(attnum: i16, setting_name: &str, uuid: bool) -> String {
    let v = nullif(setting(setting_name, true), lit(""));
    let v = if uuid { cast(v, false) } else { v };
    format!(
        "{{OPEXPR :opno {} :opfuncid 0 :opresulttype 16 :opretset false :args ({} {}) :location -1}}",
        if uuid { 2972 } else { 98 },
        tree(&col(attnum)),
        scalar_subselect(&v)
    )
}
