//! Policy expressions: a small parser for the text `pg_get_expr()` prints, and the
//! analyses the checks need (is the tenant column pinned to the tenant setting? does the
//! policy admit rows when the setting is unset or cleared? does it error then?).
//!
//! `pg_get_expr` output is normalised by PostgreSQL's ruleutils (fully parenthesised,
//! casts as `::type`, `IN` lists as `= ANY (ARRAY[..])`), so a tolerant recursive-descent
//! parser is enough. Anything it does not understand becomes [`Expr::Opaque`], which the
//! analyses treat as "unknown": never as proof of isolation.
//!
//! Pure Rust, no PostgreSQL: tested with plain `cargo test`.

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Bool(bool),
    Null,
    Str(String),
    Num(String),
    /// A column reference (last name part, as deparsed: unquoted and case-folded by PostgreSQL).
    Col(String),
    /// `current_setting('name'[, missing_ok])`, or our own `current_tenant_id()`.
    Setting { name: String, missing_ok: bool, empty_is_null: bool },
    Func { name: String, args: Vec<Expr> },
    Cast(Box<Expr>, String),
    NullIf(Box<Expr>, Box<Expr>),
    Coalesce(Vec<Expr>),
    Cmp { op: String, l: Box<Expr>, r: Box<Expr> },
    /// `l op ANY (r)` / `l op ALL (r)`
    AnyCmp { op: String, all: bool, l: Box<Expr>, r: Box<Expr> },
    IsNull { e: Box<Expr>, negated: bool },
    /// `e IS [NOT] TRUE|FALSE`
    IsBool { e: Box<Expr>, value: bool, negated: bool },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Opaque(String),
}

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
            if matches!(op.as_str(), "=" | "<>" | "!=" | "<" | ">" | "<=" | ">=" | "~~" | "!~~" | "~~*" | "!~~*" | "~" | "~*" | "!~" | "@>" | "<@" | "&&") {
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
                "current_user" | "session_user" | "current_role" | "user" | "current_catalog"
                | "current_schema" | "current_date" | "current_time" | "current_timestamp" | "localtime"
                | "localtimestamp"
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
            if self.peek_word("distinct") || (self.peek() == Some(&Tok::Op("*".into())) && self.t.get(self.p + 1) == Some(&Tok::RParen)) {
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

/// Placeholder name for "the configured tenant setting" used by `current_tenant_id()`;
/// the analyses treat it as the configured setting.
pub const CONFIGURED_SETTING: &str = "<rls_fixer.tenant_setting>";

fn strip_casts(e: &Expr) -> &Expr {
    match e {
        Expr::Cast(inner, _) => strip_casts(inner),
        other => other,
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

// ---------------------------------------------------------------- analyses

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

fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Func { args, .. } | Expr::Coalesce(args) | Expr::And(args) | Expr::Or(args) => args.iter().collect(),
        Expr::Cast(a, _) | Expr::Not(a) | Expr::IsNull { e: a, .. } | Expr::IsBool { e: a, .. } => vec![a],
        Expr::NullIf(a, b) | Expr::Cmp { l: a, r: b, .. } | Expr::AnyCmp { l: a, r: b, .. } => vec![a, b],
        _ => vec![],
    }
}

fn contains(e: &Expr, pred: &dyn Fn(&Expr) -> bool) -> bool {
    pred(e) || children(e).into_iter().any(|c| contains(c, pred))
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
/// column equals a value derived from the setting?
pub fn tenant_scope(e: &Expr, column: &str) -> Scope {
    scope_of(&simplify_when_set(e), column)
}

fn scope_of(e: &Expr, column: &str) -> Scope {
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
        Expr::Cmp { op, l, r } if op == "=" || op == "is not distinct from" => {
            for (a, b) in [(l, r), (r, l)] {
                if let Some(bare) = column_side(a, column) {
                    if let Some(settings) = setting_side(b) {
                        return Scope { scoped: true, sargable: bare, settings };
                    }
                }
            }
            Scope::default()
        }
        Expr::AnyCmp { op, all: false, l, r } if op == "=" => {
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

/// `Some(true)` for the bare tenant column, `Some(false)` for the column under casts or
/// functions (still pinned, but no index use), `None` otherwise.
fn column_side(e: &Expr, column: &str) -> Option<bool> {
    match e {
        Expr::Col(c) if c == column => Some(true),
        Expr::Cast(inner, _) => column_side(inner, column).map(|_| false),
        Expr::Func { name, args } if args.len() == 1 && matches!(name.as_str(), "lower" | "upper" | "btrim" | "trim" | "text") => {
            column_side(&args[0], column).map(|_| false)
        }
        _ => None,
    }
}

/// The settings a value is derived from, if it is derived from settings and constants only.
fn setting_side(e: &Expr) -> Option<Vec<String>> {
    let mut settings = Vec::new();
    settings_read(e, CONFIGURED_SETTING, &mut settings);
    let pure = !contains(e, &|x| matches!(x, Expr::Col(_) | Expr::Opaque(_)));
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
        Expr::Cmp { op, l, r } if (op == "=" || op == "<>") => {
            let empty = |x: &Expr| matches!(strip_casts(x), Expr::Str(s) if s.is_empty());
            if (is_setting_value(l) && empty(r)) || (is_setting_value(r) && empty(l)) {
                return Expr::Bool(op == "<>");
            }
            // coalesce(setting, fallback): with the setting set, it is the setting
            Expr::Cmp { op: op.clone(), l: Box::new(simplify_value(l)), r: Box::new(simplify_value(r)) }
        }
        Expr::AnyCmp { op, all, l, r } => Expr::AnyCmp { op: op.clone(), all: *all, l: Box::new(simplify_value(l)), r: Box::new(simplify_value(r)) },
        Expr::Not(inner) => match simplify_when_set(inner) {
            Expr::Bool(b) => Expr::Bool(!b),
            other => Expr::Not(Box::new(other)),
        },
        Expr::And(v) => {
            let v: Vec<Expr> = v.iter().map(simplify_when_set).collect();
            if v.iter().any(|x| *x == Expr::Bool(false)) {
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
            if v.iter().any(|x| *x == Expr::Bool(true)) {
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
        Expr::Cast(inner, ty) => Expr::Cast(Box::new(simplify_value(inner)), ty.clone()),
        other => other.clone(),
    }
}

// ------------------------------------------------------- abstract evaluation

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
    Col(String),
    Unknown,
    Error,
}

const TEXTLIKE: &[&str] = &["text", "character varying", "varchar", "character", "bpchar", "name", "unknown", "char"];

fn eval_val(e: &Expr, st: SettingState) -> Val {
    match e {
        Expr::Null => Val::Null,
        Expr::Str(s) | Expr::Num(s) => Val::Const(s.clone()),
        Expr::Bool(b) => Val::Const(b.to_string()),
        Expr::Col(c) => Val::Col(c.clone()),
        Expr::Setting { missing_ok, empty_is_null, .. } => match st {
            SettingState::Unset if *missing_ok => Val::Null,
            SettingState::Unset => Val::Error,
            SettingState::Cleared if *empty_is_null => Val::Null,
            SettingState::Cleared => Val::Const(String::new()),
        },
        Expr::Cast(inner, ty) => match eval_val(inner, st) {
            Val::Const(s) if s.is_empty() && !TEXTLIKE.contains(&ty.as_str()) => Val::Error,
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
        Expr::Func { args, .. } => {
            let vals: Vec<Val> = args.iter().map(|a| eval_val(a, st)).collect();
            if vals.contains(&Val::Error) {
                Val::Error
            } else if vals.contains(&Val::Null) {
                // most functions are strict: NULL in, NULL out
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
            let distinct_op = op.starts_with("is ");
            match (&a, &b) {
                (Val::Null, Val::Null) if distinct_op => three(op == "is not distinct from"),
                (Val::Null, _) | (_, Val::Null) if distinct_op => T | F,
                (Val::Null, _) | (_, Val::Null) => N,
                (Val::Const(x), Val::Const(y)) => match op.as_str() {
                    "=" | "is not distinct from" => three(x == y),
                    "<>" | "is distinct from" => three(x != y),
                    _ => T | F,
                },
                // an empty tenant id is no tenant's: `col = ''` admits no tenant's rows
                (Val::Col(_), Val::Const(s)) | (Val::Const(s), Val::Col(_)) if s.is_empty() && op == "=" => F | N,
                (Val::Col(x), Val::Col(y)) if x == y => match op.as_str() {
                    "=" | "<=" | ">=" => T | N,
                    "is not distinct from" => T,
                    "<>" | "<" | ">" => F | N,
                    "is distinct from" => F,
                    _ => T | F | N,
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
        Expr::Col(_) | Expr::Func { .. } | Expr::Cast(..) | Expr::Coalesce(_) | Expr::NullIf(..) | Expr::Setting { .. } => {
            match eval_val(e, st) {
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
    [SettingState::Unset, SettingState::Cleared].into_iter().find(|st| eval_bool(e, *st) & T != 0)
}

/// The policy raises an error (rather than returning no rows) when the setting is unset
/// or cleared, e.g. `current_setting('x')` without `missing_ok`, or `''::uuid`.
pub fn errors_without_tenant(e: &Expr) -> Option<SettingState> {
    [SettingState::Unset, SettingState::Cleared].into_iter().find(|st| eval_bool(e, *st) & E != 0)
}

/// Does the expression call a function by this name anywhere?
pub fn calls(e: &Expr, fname: &str) -> bool {
    contains(e, &|x| matches!(x, Expr::Func { name, .. } if name == fname))
}

#[cfg(test)]
mod unit_tests {
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
        let e = parse("(tenant_id = COALESCE(NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text), tenant_id))");
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
}
