//! A tolerant recursive-descent parser for the text `pg_get_expr()` prints.
//!
//! `pg_get_expr` output is normalised by PostgreSQL's ruleutils (fully parenthesised, casts as
//! `::type`, `IN` lists as `= ANY (ARRAY[..])`), so a small parser is enough.

use super::{strip_casts, Expr, CONFIGURED_SETTING};

// ---------------------------------------------------------------- tokenizer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),   // bare identifier or keyword, lower-cased
    QIdent(String), // "quoted identifier"
    Str(String),
    Num(String),
    Op(String),
    LParen,
    RParen,
    LBrack,
    RBrack,
    Comma,
    Dot,
}

/// A quoted string or identifier starting after its opening quote: the text (doubled quotes
/// folded, backslash escapes in E'' strings) and the index after the closing quote.
fn quoted(c: &[char], mut i: usize, q: char, escapes: bool) -> Option<(String, usize)> {
    let mut v = String::new();
    loop {
        let ch = *c.get(i)?;
        if ch == q {
            if c.get(i + 1) == Some(&q) {
                v.push(q);
                i += 2;
                continue;
            }
            return Some((v, i + 1));
        }
        if escapes && ch == '\\' && i + 1 < c.len() {
            v.push(c[i + 1]);
            i += 2;
            continue;
        }
        v.push(ch);
        i += 1;
    }
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if ch == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if ch == '[' {
            out.push(Tok::LBrack);
            i += 1;
        } else if ch == ']' {
            out.push(Tok::RBrack);
            i += 1;
        } else if ch == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else if ch == '.' && !(i + 1 < c.len() && c[i + 1].is_ascii_digit()) {
            out.push(Tok::Dot);
            i += 1;
        } else if ch == '\'' || ((ch == 'E' || ch == 'e') && i + 1 < c.len() && c[i + 1] == '\'') {
            let escapes = ch != '\'';
            let (v, next) = quoted(&c, i + if escapes { 2 } else { 1 }, '\'', escapes)?;
            i = next;
            out.push(Tok::Str(v));
        } else if ch == '"' {
            let (v, next) = quoted(&c, i + 1, '"', false)?;
            i = next;
            out.push(Tok::QIdent(v));
        } else if ch.is_ascii_digit() || (ch == '.' && i + 1 < c.len() && c[i + 1].is_ascii_digit()) {
            let st = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num(c[st..i].iter().collect()));
        } else if ch.is_alphabetic() || ch == '_' {
            let st = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            let w: String = c[st..i].iter().collect();
            out.push(Tok::Word(w.to_lowercase()));
        } else if ch == ':' && i + 1 < c.len() && c[i + 1] == ':' {
            out.push(Tok::Op("::".into()));
            i += 2;
        } else if "+-*/<>=~!@#%^&|`?".contains(ch) {
            let st = i;
            while i < c.len() && "+-*/<>=~!@#%^&|`?".contains(c[i]) {
                i += 1;
            }
            out.push(Tok::Op(c[st..i].iter().collect()));
        } else {
            return None;
        }
    }
    Some(out)
}

// ---------------------------------------------------------------- parser

struct Parser {
    t: Vec<Tok>,
    p: usize,
}

const TYPE_CONT: &[&str] = &["varying", "precision", "without", "with", "time", "zone"];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.p)
    }
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.t.get(self.p).cloned();
        self.p += 1;
        t
    }
    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.p += 1;
            true
        } else {
            false
        }
    }
    fn eat_word(&mut self, w: &str) -> bool {
        if self.peek_word(w) {
            self.p += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: &Tok) -> Option<()> {
        if self.eat(t) {
            Some(())
        } else {
            None
        }
    }

    /// Skip a balanced group whose opening token was just consumed; returns None at EOF.
    fn skip_balanced(&mut self, open: &Tok, close: &Tok) -> Option<()> {
        let mut depth = 1;
        while depth > 0 {
            let t = self.next()?;
            if &t == open {
                depth += 1;
            } else if &t == close {
                depth -= 1;
            }
        }
        Some(())
    }

    fn expr(&mut self) -> Option<Expr> {
        self.or_expr()
    }

    fn or_expr(&mut self) -> Option<Expr> {
        let mut v = vec![self.and_expr()?];
        while self.eat_word("or") {
            v.push(self.and_expr()?);
        }
        Some(if v.len() == 1 { v.pop().unwrap() } else { Expr::Or(flatten(v, true)) })
    }

    fn and_expr(&mut self) -> Option<Expr> {
        let mut v = vec![self.not_expr()?];
        while self.eat_word("and") {
            v.push(self.not_expr()?);
        }
        Some(if v.len() == 1 { v.pop().unwrap() } else { Expr::And(flatten(v, false)) })
    }

    fn not_expr(&mut self) -> Option<Expr> {
        if self.eat_word("not") {
            return Some(Expr::Not(Box::new(self.not_expr()?)));
        }
        self.is_expr()
    }

    fn is_expr(&mut self) -> Option<Expr> {
        let mut e = self.cmp_expr()?;
        loop {
            if self.eat_word("is") {
                let negated = self.eat_word("not");
                if self.eat_word("null") {
                    e = Expr::IsNull { e: Box::new(e), negated };
                } else if self.eat_word("true") {
                    e = Expr::IsBool { e: Box::new(e), value: true, negated };
                } else if self.eat_word("false") {
                    e = Expr::IsBool { e: Box::new(e), value: false, negated };
                } else if self.eat_word("distinct") {
                    if !self.eat_word("from") {
                        return None;
                    }
                    let r = self.cmp_expr()?;
                    let op = if negated { "is not distinct from" } else { "is distinct from" };
                    e = Expr::Cmp { op: op.into(), l: Box::new(e), r: Box::new(r) };
                } else {
                    // IS UNKNOWN, IS DOCUMENT, ...: keep it opaque
                    return None;
                }
            } else {
                return Some(e);
            }
        }
    }

    fn cmp_expr(&mut self) -> Option<Expr> {
        let l = self.add_expr()?;
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            if matches!(
                op.as_str(),
                "=" | "<>"
                    | "!="
                    | "<"
                    | ">"
                    | "<="
                    | ">="
                    | "~~"
                    | "!~~"
                    | "~~*"
                    | "!~~*"
                    | "~"
                    | "~*"
                    | "!~"
                    | "@>"
                    | "<@"
                    | "&&"
            ) {
                self.p += 1;
                let op = if op == "!=" { "<>".to_string() } else { op };
                if self.peek_word("any") || self.peek_word("some") || self.peek_word("all") {
                    let all = self.peek_word("all");
                    self.p += 1;
                    self.expect(&Tok::LParen)?;
                    let r = self.expr()?;
                    self.expect(&Tok::RParen)?;
                    return Some(Expr::AnyCmp { op, all, l: Box::new(l), r: Box::new(r) });
                }
                let r = self.add_expr()?;
                return Some(Expr::Cmp { op, l: Box::new(l), r: Box::new(r) });
            }
        }
        Some(l)
    }

    fn add_expr(&mut self) -> Option<Expr> {
        let mut l = self.unary()?;
        while let Some(Tok::Op(op)) = self.peek().cloned() {
            if matches!(op.as_str(), "||" | "+" | "-" | "*" | "/" | "%" | "->>" | "->" | "#>>" | "#>") {
                self.p += 1;
                let r = self.unary()?;
                l = Expr::Func { name: format!("op{op}"), args: vec![l, r] };
            } else {
                break;
            }
        }
        Some(l)
    }

    fn unary(&mut self) -> Option<Expr> {
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            if op == "-" || op == "+" {
                self.p += 1;
                let e = self.unary()?;
                return Some(match e {
                    Expr::Num(n) if op == "-" => Expr::Num(format!("-{n}")),
                    other => Expr::Func { name: format!("unary{op}"), args: vec![other] },
                });
            }
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Option<Expr> {
        let mut e = self.primary()?;
        loop {
            if self.eat(&Tok::Op("::".into())) {
                let ty = self.type_name()?;
                e = Expr::Cast(Box::new(e), ty);
            } else if self.peek() == Some(&Tok::LBrack) {
                // array subscript
                self.p += 1;
                self.skip_balanced(&Tok::LBrack, &Tok::RBrack)?;
                e = Expr::Func { name: "subscript".into(), args: vec![e] };
            } else {
                return Some(e);
            }
        }
    }

    fn type_name(&mut self) -> Option<String> {
        let mut parts = Vec::new();
        match self.next()? {
            Tok::Word(w) => parts.push(w),
            Tok::QIdent(w) => parts.push(w),
            _ => return None,
        }
        while self.peek() == Some(&Tok::Dot) {
            self.p += 1;
            match self.next()? {
                Tok::Word(w) | Tok::QIdent(w) => parts = vec![w],
                _ => return None,
            }
        }
        let mut name = parts.join(".");
        while let Some(Tok::Word(w)) = self.peek().cloned() {
            if TYPE_CONT.contains(&w.as_str()) {
                name.push(' ');
                name.push_str(&w);
                self.p += 1;
            } else {
                break;
            }
        }
        if self.peek() == Some(&Tok::LParen) {
            self.p += 1;
            self.skip_balanced(&Tok::LParen, &Tok::RParen)?;
        }
        while self.peek() == Some(&Tok::LBrack) && self.t.get(self.p + 1) == Some(&Tok::RBrack) {
            self.p += 2;
            name.push_str("[]");
        }
        Some(name)
    }

    fn args(&mut self) -> Option<Vec<Expr>> {
        // after '('
        let mut v = Vec::new();
        if self.eat(&Tok::RParen) {
            return Some(v);
        }
        loop {
            // named notation `name => value`: keep the value
            if matches!(self.peek(), Some(Tok::Word(_))) && self.t.get(self.p + 1) == Some(&Tok::Op("=>".into())) {
                self.p += 2;
            }
            v.push(self.expr()?);
            if self.eat(&Tok::Comma) {
                continue;
            }
            self.expect(&Tok::RParen)?;
            return Some(v);
        }
    }

    fn primary(&mut self) -> Option<Expr> {
        let t = self.next()?;
        match t {
            Tok::LParen => {
                if self.peek_word("select") {
                    // `(SELECT <expr> [AS name])`, no FROM: a scalar evaluated once (an InitPlan);
                    // the same value as <expr>
                    let st = self.p;
                    self.p += 1;
                    if let Some(inner) = self.expr() {
                        if self.eat_word("as") {
                            let _ = self.next();
                        }
                        if self.eat(&Tok::RParen) {
                            return Some(inner);
                        }
                    }
                    self.p = st;
                }
                if self.peek_word("select") || self.peek_word("with") || self.peek_word("values") {
                    let st = self.p;
                    self.skip_balanced(&Tok::LParen, &Tok::RParen)?;
                    return Some(Expr::Opaque(format!("subquery@{st}")));
                }
                let e = self.expr()?;
                self.expect(&Tok::RParen)?;
                Some(e)
            }
            Tok::Str(s) => Some(Expr::Str(s)),
            Tok::Num(n) => Some(Expr::Num(n)),
            Tok::QIdent(w) => self.name_ref(w),
            Tok::Word(w) => match w.as_str() {
                "true" => Some(Expr::Bool(true)),
                "false" => Some(Expr::Bool(false)),
                "null" => Some(Expr::Null),
                "exists" => {
                    self.expect(&Tok::LParen)?;
                    self.skip_balanced(&Tok::LParen, &Tok::RParen)?;
                    Some(Expr::Opaque("exists".into()))
                }
                "array" => {
                    if self.eat(&Tok::LBrack) {
                        let mut v = Vec::new();
                        if !self.eat(&Tok::RBrack) {
                            loop {
                                v.push(self.expr()?);
                                if self.eat(&Tok::Comma) {
                                    continue;
                                }
                                self.expect(&Tok::RBrack)?;
                                break;
                            }
                        }
                        Some(Expr::Func { name: "array".into(), args: v })
                    } else {
                        self.expect(&Tok::LParen)?;
                        self.skip_balanced(&Tok::LParen, &Tok::RParen)?;
                        Some(Expr::Opaque("array-subquery".into()))
                    }
                }
                "case" => {
                    let mut depth = 1;
                    while depth > 0 {
                        match self.next()? {
                            Tok::Word(x) if x == "case" => depth += 1,
                            Tok::Word(x) if x == "end" => depth -= 1,
                            _ => {}
                        }
                    }
                    Some(Expr::Opaque("case".into()))
                }
                "current_user" | "session_user" | "current_role" | "user" | "current_catalog" | "current_schema"
                | "current_date" | "current_time" | "current_timestamp" | "localtime" | "localtimestamp"
                    if self.peek() != Some(&Tok::LParen) =>
                {
                    Some(Expr::Func { name: w, args: vec![] })
                }
                _ => self.name_ref(w),
            },
            _ => None,
        }
    }

    /// A (possibly qualified) name: a column reference or a function call.
    fn name_ref(&mut self, first: String) -> Option<Expr> {
        let mut parts = vec![first];
        while self.peek() == Some(&Tok::Dot) {
            self.p += 1;
            match self.next()? {
                Tok::Word(w) | Tok::QIdent(w) => parts.push(w),
                _ => return None,
            }
        }
        if self.eat(&Tok::LParen) {
            let schema = if parts.len() > 1 { Some(parts[parts.len() - 2].clone()) } else { None };
            let name = parts.last().unwrap().clone();
            if self.peek_word("distinct")
                || (self.peek() == Some(&Tok::Op("*".into())) && self.t.get(self.p + 1) == Some(&Tok::RParen))
            {
                self.skip_balanced(&Tok::LParen, &Tok::RParen)?;
                return Some(Expr::Func { name, args: vec![] });
            }
            let args = self.args()?;
            return Some(make_call(schema.as_deref(), &name, args));
        }
        Some(Expr::Col(parts.pop().unwrap()))
    }
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

fn make_call(schema: Option<&str>, name: &str, mut args: Vec<Expr>) -> Expr {
    let builtin = matches!(schema, None | Some("pg_catalog"));
    match name {
        "coalesce" if builtin => Expr::Coalesce(args),
        "nullif" if builtin && args.len() == 2 => {
            let b = args.pop().unwrap();
            let a = args.pop().unwrap();
            Expr::NullIf(Box::new(a), Box::new(b))
        }
        "current_setting" if builtin && !args.is_empty() => {
            let setting = match strip_casts(&args[0]) {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            };
            let missing_ok = match args.get(1).map(strip_casts) {
                None => false,
                Some(Expr::Bool(b)) => *b,
                Some(_) => false,
            };
            match setting {
                Some(name) => Expr::Setting { name, missing_ok, empty_is_null: false },
                None => Expr::Func { name: name.into(), args },
            }
        }
        // rls_fixer's own accessor: NULL when unset or cleared.
        "current_tenant_id" if args.is_empty() && matches!(schema, None | Some("public") | Some("rls_fixer")) => {
            Expr::Setting { name: CONFIGURED_SETTING.into(), missing_ok: true, empty_is_null: true }
        }
        _ => Expr::Func { name: name.to_string(), args },
    }
}

/// Parse the text of `pg_get_expr(polqual, polrelid)`. Never fails: what cannot be parsed
/// becomes `Expr::Opaque(text)`.
pub fn parse(text: &str) -> Expr {
    let Some(t) = tokenize(text) else { return Expr::Opaque(text.to_string()) };
    let mut p = Parser { t, p: 0 };
    match p.expr() {
        Some(e) if p.p == p.t.len() => e,
        _ => Expr::Opaque(text.to_string()),
    }
}
