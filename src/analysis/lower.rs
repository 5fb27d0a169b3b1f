//! Node trees → [`Expr`]: what each node kind a policy can hold means for the analyses,
//! decided by OID with the catalog facts in [`Catalog`].

use rustc_hash::FxHashSet;

use super::node::{self, Node};
use super::{CmpOp, Expr, CONFIGURED_SETTING, PROTECTED_TENANT};
use crate::snapshot::Catalog;

/// A lowered policy expression and what else reading it found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lowered {
    pub expr: Option<Expr>,
    /// names of the volatile functions it calls (evaluated per row)
    pub volatile: Vec<String>,
    /// every function it calls, subqueries included (operators' functions too)
    pub calls: Vec<i64>,
    /// every relation its subqueries read
    pub reads: Vec<i64>,
}

/// Every function a node tree calls and every relation it reads, however deep (subqueries
/// included): what the analysis does not model is still looked at for these.
fn collect(n: &Node<'_>, calls: &mut Vec<i64>, reads: &mut Vec<i64>) {
    match n {
        Node::Obj { tag, fields } => {
            for (f, v) in fields {
                match (*tag, *f) {
                    (_, "funcid" | "opfuncid") => {
                        if let Node::Tok(t) = v {
                            if let Ok(o) = t.parse::<i64>() {
                                if o != 0 && !calls.contains(&o) {
                                    calls.push(o);
                                }
                            }
                        }
                    }
                    ("RANGETBLENTRY" | "RTE", "relid") => {
                        if let Node::Tok(t) = v {
                            if let Ok(o) = t.parse::<i64>() {
                                if o != 0 && !reads.contains(&o) {
                                    reads.push(o);
                                }
                            }
                        }
                    }
                    _ => collect(v, calls, reads),
                }
            }
        }
        Node::List(v) => v.iter().for_each(|x| collect(x, calls, reads)),
        _ => {}
    }
}

/// Read and lower one node-tree text. Text that cannot be read lowers to `Opaque`. SQL
/// functions with a SQL-standard body in [`Catalog::inline`] are inlined.
pub fn lower(tree: &str, cat: &Catalog) -> Lowered {
    lower_with(tree, cat, &Default::default())
}

/// [`lower`], leaving the functions in `untrusted` (ones an app role could replace) as calls.
pub fn lower_with(tree: &str, cat: &Catalog, untrusted: &FxHashSet<i64>) -> Lowered {
    let mut cx = Cx {
        cat,
        untrusted,
        volatile: Vec::new(),
        params: Vec::new(),
        inlining: Vec::new(),
        calls: Vec::new(),
        reads: Vec::new(),
    };
    let expr = match node::read(tree) {
        Ok(n) => {
            collect(&n, &mut cx.calls, &mut cx.reads);
            cx.expr(&n, 0)
        }
        Err(e) => Expr::Opaque(format!("unreadable node tree: {}", e.0)),
    };
    let (calls, reads) = (std::mem::take(&mut cx.calls), std::mem::take(&mut cx.reads));
    for oid in &calls {
        if let Some(name) = cat.volatile.get(oid) {
            cx.volatile.push(name.clone());
        }
    }
    cx.volatile.sort();
    cx.volatile.dedup();
    Lowered { expr: Some(expr), volatile: cx.volatile, calls, reads }
}

struct Cx<'c> {
    cat: &'c Catalog,
    untrusted: &'c FxHashSet<i64>,
    volatile: Vec<String>,
    /// the arguments of the SQL functions being inlined, innermost last (`$n` is `params[n-1]`)
    params: Vec<Vec<Expr>>,
    /// the functions being inlined (no recursion)
    inlining: Vec<i64>,
    /// every function called and relation read, inlined bodies included
    calls: Vec<i64>,
    reads: Vec<i64>,
}

/// How deep inlined SQL functions may nest.
const MAX_INLINE_DEPTH: usize = 4;
/// The depth an inlined body is lowered at: no VAR of the body is a column of the policy's
/// table (a body without FROM has none of its own).
const BODY_DEPTH: u32 = u32::MAX / 2;

const COERCE_EXPLICIT_CAST: i64 = 1;
const COERCE_IMPLICIT_CAST: i64 = 2;
const EXPR_SUBLINK: i64 = 4;

impl Cx<'_> {
    fn note_call(&mut self, oid: i64) {
        if let Some(name) = self.cat.volatile.get(&oid) {
            self.volatile.push(name.clone());
        }
    }

    fn args(&mut self, n: &Node<'_>, depth: u32) -> Vec<Expr> {
        n.list("args").iter().map(|a| self.expr(a, depth)).collect()
    }

    fn arg(&mut self, n: &Node<'_>, depth: u32) -> Expr {
        match n.get("arg") {
            Some(a) => self.expr(a, depth),
            None => Expr::Opaque("missing arg".into()),
        }
    }

    fn cmp_op(&self, opno: i64) -> CmpOp {
        match self.cat.cmp_ops.get(&opno) {
            Some(1) => CmpOp::Lt,
            Some(2) => CmpOp::Le,
            Some(3) => CmpOp::Eq,
            Some(4) => CmpOp::Ge,
            Some(5) => CmpOp::Gt,
            Some(6) => CmpOp::Ne,
            _ => CmpOp::Other,
        }
    }

    /// `depth`: how many scalar sub-selects deep we are (a column of the policy's table is a
    /// Var with varlevelsup = depth).
    fn expr(&mut self, n: &Node<'_>, depth: u32) -> Expr {
        let Some(tag) = n.tag() else {
            return match n {
                Node::Null => Expr::Null,
                _ => Expr::Opaque("not a node".into()),
            };
        };
        match tag {
            "VAR" => {
                let up = n.int("varlevelsup").unwrap_or(0);
                match n.int("varattno") {
                    Some(att) if up == depth as i64 && att > 0 => Expr::Col(att as i16),
                    _ => Expr::Opaque("var".into()),
                }
            }
            "CONST" => self.constant(n),
            "OPEXPR" => {
                let opno = n.int("opno").unwrap_or(0);
                self.note_call(n.int("opfuncid").unwrap_or(0));
                let mut args = self.args(n, depth);
                self.index_usable(opno, n.list("args"), &mut args);
                if n.int("opresulttype") == Some(16) && args.len() == 2 {
                    let r = args.pop().unwrap();
                    let l = args.pop().unwrap();
                    Expr::Cmp { op: self.cmp_op(opno), l: Box::new(l), r: Box::new(r) }
                } else {
                    let oid = n.int("opfuncid").unwrap_or(0);
                    Expr::Func { oid, strict: !self.cat.nonstrict.contains(&oid), casefold: false, args }
                }
            }
            "DISTINCTEXPR" => {
                let mut args = self.args(n, depth);
                if args.len() != 2 {
                    return Expr::Opaque("distinct".into());
                }
                let r = args.pop().unwrap();
                let l = args.pop().unwrap();
                if self.cmp_op(n.int("opno").unwrap_or(0)) == CmpOp::Eq {
                    Expr::Cmp { op: CmpOp::IsDistinct, l: Box::new(l), r: Box::new(r) }
                } else {
                    Expr::Opaque("distinct with a non-equality operator".into())
                }
            }
            "NULLIFEXPR" => {
                let mut args = self.args(n, depth);
                if args.len() != 2 || self.cmp_op(n.int("opno").unwrap_or(0)) != CmpOp::Eq {
                    return Expr::Opaque("nullif".into());
                }
                let b = args.pop().unwrap();
                let a = args.pop().unwrap();
                Expr::NullIf(Box::new(a), Box::new(b))
            }
            "SCALARARRAYOPEXPR" => {
                let opno = n.int("opno").unwrap_or(0);
                let mut args = self.args(n, depth);
                if args.len() != 2 {
                    return Expr::Opaque("scalar array op".into());
                }
                self.index_usable(opno, n.list("args"), &mut args);
                let all = n.word("useOr") == Some("false");
                let op = self.cmp_op(opno);
                let array = &n.list("args")[1];
                // `x op ANY (ARRAY[a, b])` is `x op a OR x op b` (ALL: AND), NULLs included, for
                // a strict comparison; an empty array is false (ALL: true)
                if array.tag() == Some("ARRAYEXPR") && array.word("multidims") != Some("true") && op != CmpOp::Other {
                    let l = args.swap_remove(0);
                    let elements: Vec<Expr> = array.list("elements").iter().map(|a| self.expr(a, depth)).collect();
                    let cmps: Vec<Expr> = elements
                        .into_iter()
                        .map(|e| Expr::Cmp { op, l: Box::new(l.clone()), r: Box::new(e) })
                        .collect();
                    return match (cmps.len(), all) {
                        (1, _) => cmps.into_iter().next().unwrap(),
                        (_, false) => Expr::Or(cmps),
                        (_, true) => Expr::And(cmps),
                    };
                }
                let r = args.pop().unwrap();
                let l = args.pop().unwrap();
                Expr::AnyCmp { op, all, l: Box::new(l), r: Box::new(r) }
            }
            "FUNCEXPR" => self.func(n, depth),
            "RELABELTYPE" | "COERCETODOMAIN" => {
                let to = n.int("resulttype").unwrap_or(0);
                let cast = Expr::Cast {
                    arg: Box::new(self.arg(n, depth)),
                    to_string: self.cat.string_types.contains(&to),
                    binary: true,
                };
                // a domain with CHECK or NOT NULL constraints can reject the value
                match self.cat.checked_domains.get(&to) {
                    Some(not_null) if tag == "COERCETODOMAIN" => {
                        Expr::Checked { arg: Box::new(cast), not_null: *not_null }
                    }
                    _ => cast,
                }
            }
            "COERCEVIAIO" | "ARRAYCOERCEEXPR" => {
                let to = n.int("resulttype").unwrap_or(0);
                Expr::Cast {
                    arg: Box::new(self.arg(n, depth)),
                    to_string: self.cat.string_types.contains(&to),
                    binary: false,
                }
            }
            "COLLATEEXPR" => self.arg(n, depth),
            "BOOLEXPR" => {
                let args = self.args(n, depth);
                match n.word("boolop") {
                    Some("and") => Expr::And(flatten(args, false)),
                    Some("or") => Expr::Or(flatten(args, true)),
                    Some("not") if args.len() == 1 => match args.into_iter().next().unwrap() {
                        Expr::Cmp { op: CmpOp::IsDistinct, l, r } => Expr::Cmp { op: CmpOp::IsNotDistinct, l, r },
                        other => Expr::Not(Box::new(other)),
                    },
                    _ => Expr::Opaque("boolexpr".into()),
                }
            }
            "NULLTEST" => {
                if n.word("argisrow") == Some("true") {
                    return Expr::Opaque("row null test".into());
                }
                let negated = n.int("nulltesttype") == Some(1);
                Expr::IsNull { e: Box::new(self.arg(n, depth)), negated }
            }
            "BOOLEANTEST" => {
                let (value, negated) = match n.int("booltesttype") {
                    Some(0) => (true, false),
                    Some(1) => (true, true),
                    Some(2) => (false, false),
                    Some(3) => (false, true),
                    _ => return Expr::Opaque("is unknown".into()),
                };
                Expr::IsBool { e: Box::new(self.arg(n, depth)), value, negated }
            }
            "COALESCEEXPR" => Expr::Coalesce(self.args(n, depth)),
            // a searched CASE (one with an operand compares through CaseTestExpr: opaque)
            "CASEEXPR" if matches!(n.get("arg"), None | Some(Node::Null)) && !n.list("args").is_empty() => {
                let mut arms = Vec::new();
                for w in n.list("args") {
                    if w.tag() != Some("CASEWHEN") {
                        return Expr::Opaque("case".into());
                    }
                    let c = w.get("expr").map(|x| self.expr(x, depth)).unwrap_or(Expr::Opaque("case".into()));
                    let r = w.get("result").map(|x| self.expr(x, depth)).unwrap_or(Expr::Opaque("case".into()));
                    arms.push((c, r));
                }
                let default = match n.get("defresult") {
                    None | Some(Node::Null) => Expr::Null,
                    Some(d) => self.expr(d, depth),
                };
                Expr::Case { arms, default: Box::new(default) }
            }
            // an argument of the SQL function being inlined
            "PARAM" if n.int("paramkind") == Some(0) && !self.params.is_empty() => {
                let i = n.int("paramid").unwrap_or(0);
                match self.params.last().and_then(|p| p.get((i - 1).max(0) as usize)).filter(|_| i >= 1) {
                    Some(e) => e.clone(),
                    None => Expr::Opaque("param".into()),
                }
            }
            "ARRAYEXPR" => {
                let args = n.list("elements").iter().map(|a| self.expr(a, depth)).collect();
                Expr::Func { oid: 0, strict: false, casefold: false, args }
            }
            "SQLVALUEFUNCTION" => Expr::Func { oid: 0, strict: true, casefold: false, args: vec![] },
            "SUBLINK" => self.sublink(n, depth),
            other => Expr::Opaque(other.to_lowercase()),
        }
    }

    fn func(&mut self, n: &Node<'_>, depth: u32) -> Expr {
        let oid = n.int("funcid").unwrap_or(0);
        self.note_call(oid);
        let args = self.args(n, depth);
        if let Some(nargs) = self.cat.setting_readers.get(&oid) {
            let name = match args.first().map(super::strip_casts) {
                Some(Expr::Str(s)) => Some(s.clone()),
                _ => None,
            };
            let missing_ok = *nargs == 2 && matches!(args.get(1).map(super::strip_casts), Some(Expr::Bool(true)));
            if let Some(name) = name {
                return Expr::Setting { name, missing_ok, empty_is_null: false };
            }
        }
        if self.cat.accessors.contains(&oid) && args.is_empty() {
            return Expr::Setting { name: CONFIGURED_SETTING.into(), missing_ok: true, empty_is_null: true };
        }
        if self.cat.protected_accessors.contains(&oid) && args.is_empty() {
            return Expr::Setting { name: PROTECTED_TENANT.into(), missing_ok: true, empty_is_null: true };
        }
        if let Some(e) = self.inline(oid, &args) {
            return e;
        }
        let format = n.int("funcformat").unwrap_or(0);
        // a length coercion (varchar(n), char(n), numeric(p,s)…) to a set length can cut or round
        // two different values to one: not a faithful comparison of tenants
        if (format == COERCE_EXPLICIT_CAST || format == COERCE_IMPLICIT_CAST)
            && matches!(args.get(1), Some(Expr::Num(t)) if t.parse::<i64>().is_ok_and(|t| t >= 0))
        {
            return Expr::Opaque("length coercion".into());
        }
        if (format == COERCE_EXPLICIT_CAST || format == COERCE_IMPLICIT_CAST) && !args.is_empty() {
            let to = n.int("funcresulttype").unwrap_or(0);
            let arg = args.into_iter().next().unwrap();
            return Expr::Cast { arg: Box::new(arg), to_string: self.cat.string_types.contains(&to), binary: false };
        }
        Expr::Func { oid, strict: !self.cat.nonstrict.contains(&oid), casefold: self.cat.casefold.contains(&oid), args }
    }

    /// A binary relabelling of a column (`citext_col::text = …`) keeps an index on the column
    /// usable only when the operator is in the operator family of the column type's default
    /// btree operator class (`varchar` → text_ops has text's `=`; citext_ops has not): otherwise
    /// the relabelled column counts as converted (pinned, not sargable).
    fn index_usable(&self, opno: i64, raw: &[Node<'_>], args: &mut [Expr]) {
        for (node, arg) in raw.iter().zip(args.iter_mut()) {
            let mut inner = node;
            let mut relabelled = false;
            while inner.tag() == Some("RELABELTYPE") {
                relabelled = true;
                match inner.get("arg") {
                    Some(a) => inner = a,
                    None => break,
                }
            }
            if !relabelled || inner.tag() != Some("VAR") {
                continue;
            }
            let Some(family) = inner.int("vartype").and_then(|t| self.cat.type_families.get(&t)) else { continue };
            let in_family = self.cat.op_families.get(&opno).is_some_and(|f| f.contains(family));
            if let Expr::Cast { binary, .. } = arg {
                if !in_family {
                    *binary = false;
                }
            }
        }
    }

    /// The body of a SQL function with a SQL-standard body (`RETURN expr`, `BEGIN ATOMIC
    /// SELECT expr; END`): bound when the function was created, so it is what runs (PostgreSQL
    /// inlines it too). Only functions whose owner no app role can act as (they could replace
    /// the body), only bodies that are a single expression, and a STRICT function only without
    /// arguments (NULL in, NULL out is not the body's meaning).
    fn inline(&mut self, oid: i64, args: &[Expr]) -> Option<Expr> {
        let f = self.cat.inline.get(&oid)?;
        if self.untrusted.contains(&oid)
            || self.inlining.contains(&oid)
            || self.inlining.len() >= MAX_INLINE_DEPTH
            || (f.strict && !args.is_empty())
            || f.nargs as usize != args.len()
        {
            return None;
        }
        let body = node::read(&f.body).ok()?;
        let query = match &body {
            Node::List(stmts) => match stmts.as_slice() {
                [Node::List(inner)] if inner.len() == 1 => &inner[0],
                _ => return None,
            },
            q => q,
        };
        let target = single_target(query)?;
        collect(query, &mut self.calls, &mut self.reads);
        self.inlining.push(oid);
        self.params.push(args.to_vec());
        let e = self.expr(target, BODY_DEPTH);
        self.params.pop();
        self.inlining.pop();
        Some(e)
    }

    /// `(SELECT <expr>)` without FROM, WHERE, grouping or set operations is `<expr>`, computed
    /// once per query (an InitPlan); any other sub-select is opaque.
    fn sublink(&mut self, n: &Node<'_>, depth: u32) -> Expr {
        if n.int("subLinkType") != Some(EXPR_SUBLINK) {
            return Expr::Opaque("subquery".into());
        }
        let Some(q) = n.get("subselect") else {
            return Expr::Opaque("subquery".into());
        };
        match single_target(q) {
            Some(e) => self.expr(e, depth.saturating_add(1)),
            None => Expr::Opaque("subquery".into()),
        }
    }

    fn constant(&self, n: &Node<'_>) -> Expr {
        if n.word("constisnull") == Some("true") {
            return Expr::Null;
        }
        let ty = n.int("consttype").unwrap_or(0);
        let len = n.int("constlen").unwrap_or(0);
        let Some(Node::Datum(bytes)) = n.get("constvalue") else { return Expr::Opaque("const".into()) };
        match ty {
            16 => Expr::Bool(bytes.first().copied().unwrap_or(0) != 0),
            21 | 23 | 20 => match node::byval_int(bytes, len as usize) {
                Some(v) => Expr::Num(v.to_string()),
                None => Expr::Opaque("const".into()),
            },
            _ if self.cat.string_types.contains(&ty) => {
                let payload = if len == -2 {
                    // cstring (unknown): NUL-terminated
                    bytes.split(|b| *b == 0).next()
                } else if len == -1 {
                    node::varlena_payload(bytes)
                } else {
                    bytes.get(0..len.max(0) as usize)
                };
                match payload {
                    Some(p) => Expr::Str(String::from_utf8_lossy(p).into_owned()),
                    None => Expr::Opaque("const".into()),
                }
            }
            // any other type: its bytes, compared for equality only
            _ => Expr::Num(format!("{ty}:{bytes:?}")),
        }
    }
}

/// The one expression a `SELECT <expr>` query computes, when it has no FROM, WHERE, grouping,
/// ordering, limits or set operations.
fn single_target<'n, 'a>(q: &'n Node<'a>) -> Option<&'n Node<'a>> {
    if q.tag() != Some("QUERY") {
        return None;
    }
    let empty = |f: &str| matches!(q.get(f), None | Some(Node::Null));
    let plain = q.int("commandType") == Some(1)
        && ["rtable", "cteList", "groupClause", "groupingSets", "havingQual", "windowClause", "distinctClause"]
            .iter()
            .all(|f| empty(f))
        && ["sortClause", "limitOffset", "limitCount", "setOperations"].iter().all(|f| empty(f))
        && q.get("jointree")
            .is_none_or(|j| matches!(j.get("quals"), None | Some(Node::Null)) && j.list("fromlist").is_empty());
    let targets = q.list("targetList");
    if !plain || targets.len() != 1 {
        return None;
    }
    targets[0].get("expr")
}

fn flatten(v: Vec<Expr>, or: bool) -> Vec<Expr> {
    let mut out = Vec::new();
    for e in v {
        match e {
            Expr::Or(inner) if or => out.extend(inner),
            Expr::And(inner) if !or => out.extend(inner),
            other => out.push(other),
        }
    }
    out
}
