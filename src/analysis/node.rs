//! A reader for PostgreSQL's node-tree text (`pg_node_tree`, what `polqual::text` holds): the
//! format `nodeToString()` writes and `stringToNode()` reads (outfuncs.c / read.c). Pure Rust,
//! zero-copy where nothing is escaped, version-tolerant: every node is a tag and a list of
//! named fields, so fields a major adds or drops are simply present or absent.
//!
//! ```text
//! {OPEXPR :opno 98 :args ({VAR :varattno 2 ...} {CONST ... :constvalue 5 [ 20 0 0 0 97 ]})}
//! ```

use std::borrow::Cow;

/// One value of the node-tree text.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// `{TAG :field value ...}`
    Obj { tag: &'a str, fields: Vec<(&'a str, Node<'a>)> },
    /// `( ... )`: a list of nodes or of values
    List(Vec<Node<'a>>),
    /// `(i 1 2)`, `(o 1 2)`, `(b 1 2)`, `(x 1 2)`: integer, oid, bitmapset and xid lists
    Ints(Vec<i64>),
    /// a bare token: a number, `true`/`false`, an enum word, a name
    Tok(Cow<'a, str>),
    /// a quoted String value node: `"abc"`
    Str(Cow<'a, str>),
    /// `<>`: a NULL pointer or an empty list
    Null,
    /// a Const's datum: `N [ b0 b1 ... ]`
    Datum(Vec<u8>),
}

impl<'a> Node<'a> {
    pub fn tag(&self) -> Option<&'a str> {
        match self {
            Node::Obj { tag, .. } => Some(tag),
            _ => None,
        }
    }

    /// A field of an object node.
    pub fn get(&self, field: &str) -> Option<&Node<'a>> {
        match self {
            Node::Obj { fields, .. } => fields.iter().find(|(f, _)| *f == field).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A field as an integer (`:opno 98`, `:nulltesttype 1`).
    pub fn int(&self, field: &str) -> Option<i64> {
        match self.get(field)? {
            Node::Tok(t) => t.parse().ok(),
            _ => None,
        }
    }

    /// A field as a bare word (`:boolop and`, `:useOr true`).
    pub fn word(&self, field: &str) -> Option<&str> {
        match self.get(field)? {
            Node::Tok(t) => Some(t.as_ref()),
            _ => None,
        }
    }

    /// A list field's elements (`<>` is the empty list).
    pub fn list(&self, field: &str) -> &[Node<'a>] {
        match self.get(field) {
            Some(Node::List(v)) => v,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Token<'a> {
    text: Cow<'a, str>,
    /// the token had a backslash escape (an escaped `<>` is the string "<>", not NULL)
    escaped: bool,
}

struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    fn new(s: &'a str) -> Self {
        Lexer { s, b: s.as_bytes(), i: 0 }
    }

    /// The next token (pg_strtok): `(`, `)`, `{`, `}` alone; anything else runs to whitespace
    /// or one of those, with `\` escaping the next byte.
    fn next(&mut self) -> Option<Token<'a>> {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\n' | b'\t' | b'\r') {
            self.i += 1;
        }
        if self.i >= self.b.len() {
            return None;
        }
        let start = self.i;
        if matches!(self.b[start], b'(' | b')' | b'{' | b'}') {
            self.i += 1;
            return Some(Token { text: Cow::Borrowed(&self.s[start..start + 1]), escaped: false });
        }
        let mut escaped = false;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' if self.i + 1 < self.b.len() => {
                    escaped = true;
                    self.i += 2;
                }
                b' ' | b'\n' | b'\t' | b'\r' | b'(' | b')' | b'{' | b'}' => break,
                _ => self.i += 1,
            }
        }
        let raw = &self.s[start..self.i];
        if !escaped {
            return Some(Token { text: Cow::Borrowed(raw), escaped });
        }
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        Some(Token { text: Cow::Owned(out), escaped })
    }

    fn peek(&mut self) -> Option<Token<'a>> {
        let save = self.i;
        let t = self.next();
        self.i = save;
        t
    }
}

/// Why the text could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, ReadError> {
    Err(ReadError(msg.into()))
}

/// Read one node-tree text.
pub fn read(text: &str) -> Result<Node<'_>, ReadError> {
    let mut lx = Lexer::new(text);
    let n = value(&mut lx)?;
    match lx.next() {
        None => Ok(n),
        Some(t) => err(format!("trailing token {:?}", t.text)),
    }
}

fn value<'a>(lx: &mut Lexer<'a>) -> Result<Node<'a>, ReadError> {
    let Some(t) = lx.next() else { return err("unexpected end") };
    if !t.escaped {
        match t.text.as_ref() {
            "{" => return object(lx),
            "(" => return list(lx),
            "<>" => return Ok(Node::Null),
            ")" | "}" => return err(format!("unexpected {:?}", t.text)),
            _ => {}
        }
    }
    match t.text.as_ref() {
        s if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') => Ok(Node::Str(match t.text {
            Cow::Borrowed(b) => Cow::Borrowed(&b[1..b.len() - 1]),
            Cow::Owned(o) => Cow::Owned(o[1..o.len() - 1].to_string()),
        })),
        _ => Ok(Node::Tok(t.text)),
    }
}

fn object<'a>(lx: &mut Lexer<'a>) -> Result<Node<'a>, ReadError> {
    let tag = match lx.next() {
        Some(Token { text: Cow::Borrowed(t), .. }) => t,
        _ => return err("node without a tag"),
    };
    let mut fields = Vec::new();
    loop {
        let Some(t) = lx.next() else { return err(format!("unterminated {tag}")) };
        match t.text {
            Cow::Borrowed("}") => return Ok(Node::Obj { tag, fields }),
            Cow::Borrowed(f) if f.starts_with(':') => {
                let name = &f[1..];
                let v = if name == "constvalue" { datum(lx)? } else { value(lx)? };
                fields.push((name, v));
            }
            other => return err(format!("{tag}: expected a field name, got {other:?}")),
        }
    }
}

/// `N [ b0 b1 ... ]` or `<>` (a NULL constant).
fn datum<'a>(lx: &mut Lexer<'a>) -> Result<Node<'a>, ReadError> {
    let Some(t) = lx.next() else { return err("constvalue: unexpected end") };
    if t.text == "<>" {
        return Ok(Node::Null);
    }
    let n: usize = t.text.parse().map_err(|_| ReadError(format!("constvalue: bad length {:?}", t.text)))?;
    match lx.next() {
        Some(Token { text, .. }) if text == "[" => {}
        _ => return err("constvalue: expected ["),
    }
    let mut bytes = Vec::with_capacity(n.max(8));
    loop {
        let Some(t) = lx.next() else { return err("constvalue: unterminated") };
        if t.text == "]" {
            break;
        }
        let b: i64 = t.text.parse().map_err(|_| ReadError(format!("constvalue: bad byte {:?}", t.text)))?;
        bytes.push(b as u8);
    }
    Ok(Node::Datum(bytes))
}

fn list<'a>(lx: &mut Lexer<'a>) -> Result<Node<'a>, ReadError> {
    // integer-like lists start with a one-letter marker
    if let Some(Token { text, escaped: false }) = lx.peek() {
        if matches!(text.as_ref(), "i" | "o" | "b" | "x") {
            lx.next();
            let mut v = Vec::new();
            loop {
                let Some(t) = lx.next() else { return err("unterminated integer list") };
                if t.text == ")" {
                    return Ok(Node::Ints(v));
                }
                v.push(t.text.parse().map_err(|_| ReadError(format!("bad list member {:?}", t.text)))?);
            }
        }
    }
    let mut v = Vec::new();
    loop {
        match lx.peek() {
            None => return err("unterminated list"),
            Some(Token { text, escaped: false }) if text == ")" => {
                lx.next();
                return Ok(Node::List(v));
            }
            _ => v.push(value(lx)?),
        }
    }
}

/// The bytes of a varlena datum as written in a node tree (4-byte or 1-byte header).
pub fn varlena_payload(bytes: &[u8]) -> Option<&[u8]> {
    let first = *bytes.first()?;
    if first & 0x01 == 1 {
        // short header: length (header included) in the upper 7 bits
        let len = (first >> 1) as usize;
        bytes.get(1..len.max(1))
    } else {
        let len = (u32::from_le_bytes(bytes.get(0..4)?.try_into().ok()?) >> 2) as usize;
        bytes.get(4..len)
    }
}

/// A byval datum as a signed integer of `len` bytes (little-endian, as PostgreSQL writes it on
/// the machines it runs on here).
pub fn byval_int(bytes: &[u8], len: usize) -> Option<i64> {
    let b = bytes.get(0..len)?;
    Some(match len {
        1 => b[0] as i8 as i64,
        2 => i16::from_le_bytes(b.try_into().ok()?) as i64,
        4 => i32::from_le_bytes(b.try_into().ok()?) as i64,
        8 => i64::from_le_bytes(b.try_into().ok()?),
        _ => return None,
    })
}
