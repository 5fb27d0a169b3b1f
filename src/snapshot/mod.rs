//! The catalog snapshot: plain Rust structs filled by a fixed number of set-based catalog
//! queries (see `load.rs` and `sql/snapshot/*.sql`). Checks and plans read only this.

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};

pub use crate::config::Config;

pub mod citus;
pub mod load;
pub mod rows;

pub use citus::{Citus, CitusKind, CitusTable, NodeShards, ShardGroup};

pub type Oid = i64;

/// A policy expression's node-tree text, shared between the policies that have the same one.
pub type Tree = std::sync::Arc<str>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    Table,
    Partitioned,
    View,
    MatView,
    Foreign,
}

impl RelKind {
    pub fn from_relkind(k: &str) -> Option<RelKind> {
        Some(match k {
            "r" => RelKind::Table,
            "p" => RelKind::Partitioned,
            "v" => RelKind::View,
            "m" => RelKind::MatView,
            "f" => RelKind::Foreign,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TenantColumn {
    /// the column name as stored (unquoted)
    pub name: String,
    /// quoted for SQL
    pub qname: String,
    pub attnum: i16,
    /// `format_type(atttypid, -1)`: the type without its modifier, spelled so that a cast adds
    /// none (`uuid`, `character varying`, `bpchar`, `public.citext`)
    pub type_name: String,
    /// `OPERATOR(schema.=)` when the type's equality operator lives outside pg_catalog
    pub eq_op: Option<String>,
    pub not_null: bool,
    /// some index has the tenant column as its first key column
    pub indexed: bool,
    /// a virtual generated column (PostgreSQL 18; reading it evaluates its expression): that
    /// expression, as `pg_get_expr` prints it. It cannot be indexed, but its expression can.
    pub virtual_generated: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub oid: Oid,
    pub schema: String,
    pub name: String,
    /// `schema.name`, each part quoted only where needed
    pub qname: String,
    pub kind: RelKind,
    pub rls_enabled: bool,
    pub rls_forced: bool,
    pub is_partition: bool,
    /// parent in pg_inherits (partition parent or legacy inheritance parent)
    pub parent: Option<Oid>,
    pub owner: Oid,
    pub tenant: Option<TenantColumn>,
    /// views: `security_invoker = true` in reloptions
    pub security_invoker: bool,
    /// roles holding SELECT/INSERT/UPDATE/DELETE by ACL (0 = PUBLIC); the owner is implicit
    pub grantees: Vec<Oid>,
    /// roles holding INSERT or UPDATE by ACL (0 = PUBLIC)
    pub writers: Vec<Oid>,
    /// roles holding TRUNCATE by ACL (0 = PUBLIC)
    pub truncaters: Vec<Oid>,
    /// views and materialized views: relations their query reads directly
    pub reads: Vec<Oid>,
    /// the xmin of the tenant column's catalog row (the event trigger's "added just now")
    pub tenant_xmin: Option<i64>,
}

impl Function {
    /// Is its search_path pinned against callers: set, and listing `pg_temp` last? Unlisted,
    /// pg_temp is searched first for relations (and a caller's temporary table shadows the
    /// one the function means); listed anywhere but last, it comes before the schemas after it.
    pub fn search_path_pinned(&self) -> bool {
        self.search_path.as_deref().is_some_and(search_path_ends_with_pg_temp)
    }
}

/// Does a `search_path` value (as stored in proconfig) list `pg_temp` last?
pub fn search_path_ends_with_pg_temp(value: &str) -> bool {
    value
        .split(',')
        .map(|s| s.trim())
        .rfind(|s| !s.is_empty())
        .is_some_and(|last| last == "pg_temp" || last == "\"pg_temp\"")
}

impl Relation {
    pub fn is_table(&self) -> bool {
        matches!(self.kind, RelKind::Table | RelKind::Partitioned)
    }
    pub fn is_tenant_table(&self) -> bool {
        self.is_table() && self.tenant.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyCmd {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCmd {
    pub fn from_polcmd(c: &str) -> PolicyCmd {
        match c {
            "r" => PolicyCmd::Select,
            "a" => PolicyCmd::Insert,
            "w" => PolicyCmd::Update,
            "d" => PolicyCmd::Delete,
            _ => PolicyCmd::All,
        }
    }
    /// does the policy's USING clause filter rows for reads (SELECT/UPDATE/DELETE visibility)?
    pub fn has_using(self) -> bool {
        !matches!(self, PolicyCmd::Insert)
    }
    /// does the policy check new rows (INSERT/UPDATE)?
    pub fn checks_writes(self) -> bool {
        matches!(self, PolicyCmd::All | PolicyCmd::Insert | PolicyCmd::Update)
    }
    pub fn covers(self) -> &'static [PolicyCmd] {
        match self {
            PolicyCmd::All => &[PolicyCmd::Select, PolicyCmd::Insert, PolicyCmd::Update, PolicyCmd::Delete],
            PolicyCmd::Select => &[PolicyCmd::Select],
            PolicyCmd::Insert => &[PolicyCmd::Insert],
            PolicyCmd::Update => &[PolicyCmd::Update],
            PolicyCmd::Delete => &[PolicyCmd::Delete],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// pg_policy oid
    pub oid: Oid,
    pub table: Oid,
    pub name: String,
    /// the name quoted only where needed
    pub qname: String,
    pub cmd: PolicyCmd,
    pub permissive: bool,
    /// roles the policy applies to; 0 = PUBLIC
    pub roles: Vec<Oid>,
    /// `polqual` as node-tree text (what `nodeToString` writes); shared: thousands of tables
    /// usually have the same few trees
    pub using: Option<Tree>,
    /// `polwithcheck` as node-tree text
    pub check: Option<Tree>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub oid: Oid,
    pub name: String,
    pub qname: String,
    pub superuser: bool,
    pub bypassrls: bool,
    pub login: bool,
    /// roles this role is a direct member of
    pub member_of: Vec<Oid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub oid: Oid,
    /// `oid::regprocedure::text`
    pub signature: String,
    pub owner: Oid,
    pub security_definer: bool,
    /// the `SET search_path` of its proconfig, as stored (`pg_catalog, pg_temp`)
    pub search_path: Option<String>,
    /// roles with EXECUTE (0 = PUBLIC)
    pub executors: Vec<Oid>,
    /// relations it depends on (SQL-standard bodies) or names in its source
    pub reads: Vec<Oid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    Primary,
    Unique,
    Foreign,
    /// a unique index that backs no constraint (`CREATE UNIQUE INDEX`)
    UniqueIndex,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub table: Oid,
    pub name: String,
    /// `schema.table.constraint`
    pub qname: String,
    pub kind: ConstraintKind,
    pub columns: Vec<i16>,
    /// foreign keys: referenced table and columns
    pub ref_table: Option<Oid>,
    pub ref_columns: Vec<i16>,
    /// unique indexes: a partial index's WHERE, as node-tree text
    pub predicate: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub server_version_num: i32,
    pub catalog: Catalog,
    pub objects: Objects,
    pub relations: Vec<Relation>,
    pub policies: Vec<Policy>,
    pub roles: Vec<Role>,
    pub functions: Vec<Function>,
    pub constraints: Vec<Constraint>,
    /// Citus metadata, when the citus extension is installed in the database
    pub citus: Option<Citus>,
}

/// Default privileges that grant table privileges to PUBLIC.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultAcl {
    /// the role whose new tables get them
    pub role: Oid,
    /// None: in every schema
    pub schema: Option<String>,
}

/// A trigger whose function is SECURITY DEFINER.
#[derive(Debug, Clone, PartialEq)]
pub struct SecdefTrigger {
    pub table: Oid,
    pub name: String,
    pub function: String,
    pub function_owner: Oid,
}

/// The rest of what the checks look at (`sql/snapshot/objects.sql`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Objects {
    pub default_acls: Vec<DefaultAcl>,
    pub secdef_triggers: Vec<SecdefTrigger>,
    /// functions declared IMMUTABLE or LEAKPROOF that read session state: oid → (signature,
    /// what it declares)
    pub session_readers: HashMap<Oid, (String, String)>,
    /// non-SELECT rules: (table, rule name)
    pub rules: Vec<(Oid, String)>,
    /// published tables: (table, publication); None: a FOR ALL TABLES publication
    pub publications: Vec<(Option<Oid>, String)>,
    /// roles with row_security = off in their settings here (0: every role)
    pub row_security_off: Vec<Oid>,
}

/// What reading policy node trees needs to know about operators, functions and types, from
/// the catalogs (`sql/snapshot/catalog.sql`). [`Catalog::builtin`] holds PostgreSQL's fixed
/// OIDs, for tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    /// btree comparison operators by strategy (1 <, 2 <=, 3 =, 4 >=, 5 >), and the negators
    /// of the equalities as 6 (`<>`); only superusers define btree operator families
    pub cmp_ops: HashMap<Oid, u8>,
    /// types of the string category: a cast of '' to them succeeds
    pub string_types: HashSet<Oid>,
    /// functions that are not strict (a NULL argument need not give NULL)
    pub nonstrict: HashSet<Oid>,
    /// volatile functions, with their names
    pub volatile: HashMap<Oid, String>,
    /// pg_catalog.current_setting overloads: oid → number of arguments
    pub setting_readers: HashMap<Oid, i16>,
    /// pg_catalog's lower/upper/btrim/text of one argument
    pub casefold: HashSet<Oid>,
    /// the extension's own tenant accessor `current_tenant_id()` (the mode's tenant)
    pub accessors: HashSet<Oid>,
    /// the extension's protected accessor `rls_fixer.tenant()`
    pub protected_accessors: HashSet<Oid>,
    /// types (and domains) whose default equality operator lives outside pg_catalog:
    /// `OPERATOR(schema.=)`
    pub eq_ops: HashMap<Oid, String>,
    /// the btree operator families each comparison operator belongs to
    pub op_families: HashMap<Oid, Vec<Oid>>,
    /// the operator family of the default btree operator class an index on a column of this
    /// type (or domain) gets: for types that can be relabelled (binary casts) and domains
    pub type_families: HashMap<Oid, Oid>,
    /// domains with CHECK or NOT NULL constraints (their own or a base domain's): oid → NOT NULL
    pub checked_domains: HashMap<Oid, bool>,
    /// STABLE SQL functions with a SQL-standard body (`RETURN …` / `BEGIN ATOMIC … END`),
    /// not SECURITY DEFINER, without SET clauses, not returning sets: what inlining needs
    pub inline: HashMap<Oid, InlineFn>,
}

/// A SQL function the analysis may inline (see [`Catalog::inline`]).
#[derive(Debug, Clone, PartialEq)]
pub struct InlineFn {
    pub owner: Oid,
    pub strict: bool,
    pub nargs: i16,
    /// `prosqlbody` as node-tree text
    pub body: String,
}

impl Catalog {
    /// PostgreSQL's built-in OIDs (the same on every major from 13 to 18) and an accessor at
    /// a made-up OID: what tests lower their trees with.
    pub fn builtin() -> Catalog {
        Catalog {
            // text: < 664, <= 665, = 98, >= 667, > 666, <> 531; int4: = 96, <> 518, < 97, > 521;
            // uuid = 2972, <> 2973; int8 = 410, <> 411; bpchar = 1054, <> 1057
            cmp_ops: HashMap::from([
                (664, 1),
                (665, 2),
                (98, 3),
                (667, 4),
                (666, 5),
                (531, 6),
                (96, 3),
                (518, 6),
                (97, 1),
                (521, 5),
                (2972, 3),
                (2973, 6),
                (410, 3),
                (411, 6),
                (1054, 3),
                (1057, 6),
            ]),
            // text, varchar, bpchar, name, unknown, char
            string_types: HashSet::from([25, 1043, 1042, 19, 705, 18]),
            // coalesce-like helpers are nodes; concat (3058) is not strict
            nonstrict: HashSet::from([3058]),
            // random()
            volatile: HashMap::from([(1598, "random".to_string())]),
            setting_readers: HashMap::from([(2077, 1), (3294, 2)]),
            // lower(text) 870, upper(text) 871, btrim(text) 885
            casefold: HashSet::from([870, 871, 885]),
            accessors: HashSet::from([900_001]),
            protected_accessors: HashSet::from([900_002]),
            eq_ops: HashMap::new(),
            // text's = (98) and <> (531) in text_ops (1994); int4's = (96) in integer_ops (1976)
            op_families: HashMap::from([
                (98, vec![1994, 2095]),
                (531, vec![1994]),
                (96, vec![1976]),
                (2972, vec![2968]),
            ]),
            // varchar (1043) indexes with text_ops; a made-up citext (900_020) with its own family
            type_families: HashMap::from([(1043, 1994), (25, 1994), (900_020, 900_021)]),
            // a made-up domain with a CHECK (900_010) and one that is also NOT NULL (900_011)
            checked_domains: HashMap::from([(900_010, false), (900_011, true)]),
            inline: HashMap::new(),
        }
    }
}

/// Indexes over a snapshot, built once per audit.
pub struct Index<'a> {
    pub snap: &'a Snapshot,
    pub rel: FxHashMap<Oid, &'a Relation>,
    pub role: FxHashMap<Oid, &'a Role>,
    pub role_by_name: FxHashMap<&'a str, &'a Role>,
    pub policies: FxHashMap<Oid, Vec<&'a Policy>>,
    /// every role each role belongs to, itself included (transitive)
    pub member_closure: FxHashMap<Oid, FxHashSet<Oid>>,
}

impl<'a> Index<'a> {
    pub fn new(snap: &'a Snapshot) -> Self {
        let rel = snap.relations.iter().map(|r| (r.oid, r)).collect();
        let role: FxHashMap<Oid, &Role> = snap.roles.iter().map(|r| (r.oid, r)).collect();
        let role_by_name = snap.roles.iter().map(|r| (r.name.as_str(), r)).collect();
        let mut policies: FxHashMap<Oid, Vec<&Policy>> = FxHashMap::default();
        for p in &snap.policies {
            policies.entry(p.table).or_default().push(p);
        }
        let mut member_closure = FxHashMap::default();
        for r in &snap.roles {
            let mut seen = FxHashSet::from_iter([r.oid]);
            let mut stack = vec![r.oid];
            while let Some(x) = stack.pop() {
                if let Some(rr) = role.get(&x) {
                    for m in &rr.member_of {
                        if seen.insert(*m) {
                            stack.push(*m);
                        }
                    }
                }
            }
            member_closure.insert(r.oid, seen);
        }
        Index { snap, rel, role, role_by_name, policies, member_closure }
    }

    pub fn policies_of(&self, table: Oid) -> &[&'a Policy] {
        self.policies.get(&table).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Is `role` (transitively) a member of `target` (or the same role)?
    pub fn is_member(&self, role: Oid, target: Oid) -> bool {
        target == 0 || self.member_closure.get(&role).is_some_and(|s| s.contains(&target))
    }

    pub fn role_name(&self, oid: Oid) -> String {
        self.role.get(&oid).map(|r| r.qname.clone()).unwrap_or_else(|| format!("role {oid}"))
    }
}
