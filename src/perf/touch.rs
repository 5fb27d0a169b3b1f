//! Which relations a statement reaches, from the relation names PostgreSQL's parser found in
//! it ([`Refs`], see `parse.rs`) and the relations of the catalog. Pure Rust.
//!
//! pg_stat_statements keeps no relation list, only the (normalised) text. The text is parsed
//! with PostgreSQL's own raw parser, so names in comments, string literals, column names,
//! aliases, function names and longer names that contain a table's name never count, and
//! quoting and case folding are PostgreSQL's. Limits (documented in the README):
//! - an unqualified name reaches every relation of that name in the audited schemas: the
//!   statement's search_path is not recorded;
//! - a name that a WITH query of the same statement defines is taken to be the WITH query
//!   everywhere in that statement;
//! - what a statement reaches through functions it calls (or triggers, or rules) is not seen;
//!   views are followed (a view's reads are in the catalog);
//! - identifiers written with Unicode escapes (`U&"…"`) escape the cheap text filter that
//!   runs before parsing.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::snapshot::Oid;

/// The relation names a statement's text holds, as the parser reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refs {
    /// (schema, name): unquoted names folded to lower case, quoted ones as written
    pub relations: Vec<(Option<String>, String)>,
    /// the names of the WITH queries anywhere in the statement
    pub ctes: Vec<String>,
}

/// A relation a statement may name, and the relations naming it reaches (itself, or for a view
/// the tables it reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub oid: Oid,
    pub schema: String,
    pub name: String,
    pub targets: Vec<Oid>,
}

/// Names → what they reach, and a cheap filter on statement texts.
#[derive(Debug, Default)]
pub struct Resolver {
    qualified: FxHashMap<(String, String), Vec<Oid>>,
    unqualified: FxHashMap<String, Vec<Oid>>,
    /// names made of identifier characters only, ASCII-lower-cased: such a name appears in a
    /// statement naming it as one whole token, whatever its quoting or case
    tokens: FxHashSet<Vec<u8>>,
    /// other names (spaces, quotes, dots…), ASCII-lower-cased with `"` doubled: they appear in
    /// the statement as written inside double quotes
    odd: Vec<Vec<u8>>,
}

/// Bytes that can be part of an unquoted identifier (or of `$1`): letters, digits, `_`, `$`
/// and every byte of a multi-byte character.
fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl Resolver {
    pub fn new(named: impl IntoIterator<Item = Named>) -> Resolver {
        let mut r = Resolver::default();
        for n in named {
            if n.targets.is_empty() {
                continue;
            }
            let lower = n.name.as_bytes().to_ascii_lowercase();
            if !lower.is_empty() && lower.iter().all(|b| ident_byte(*b)) {
                r.tokens.insert(lower);
            } else {
                let quoted: Vec<u8> =
                    lower.iter().flat_map(|b| if *b == b'"' { vec![b'"', b'"'] } else { vec![*b] }).collect();
                if !r.odd.contains(&quoted) {
                    r.odd.push(quoted);
                }
            }
            let q = r.qualified.entry((n.schema.clone(), n.name.clone())).or_default();
            q.extend(&n.targets);
            let u = r.unqualified.entry(n.name).or_default();
            u.extend(&n.targets);
        }
        for v in r.qualified.values_mut().chain(r.unqualified.values_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        r
    }

    pub fn is_empty(&self) -> bool {
        self.qualified.is_empty()
    }

    /// Could this statement name one of the relations? Never false for one that does (a
    /// superset: the parser decides); skips the parser for the rest.
    pub fn may_touch(&self, text: &str) -> bool {
        let lower = text.as_bytes().to_ascii_lowercase();
        if lower.split(|b| !ident_byte(*b)).any(|tok| !tok.is_empty() && self.tokens.contains(tok)) {
            return true;
        }
        self.odd.iter().any(|name| lower.windows(name.len()).any(|w| w == name.as_slice()))
    }

    /// The relations these names reach, sorted.
    pub fn resolve(&self, refs: &Refs) -> Vec<Oid> {
        let mut out: Vec<Oid> = Vec::new();
        for (schema, name) in &refs.relations {
            let hit = match schema {
                Some(s) => self.qualified.get(&(s.clone(), name.clone())),
                None if refs.ctes.contains(name) => None,
                None => self.unqualified.get(name),
            };
            if let Some(t) = hit {
                out.extend(t);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
