//! The catalog snapshot: a fixed number of set-based, read-only catalog queries (their count
//! does not grow with the number of tables) into the plain structs of `snapshot.rs`.

use pgrx::pg_sys::{BOOLOID, INT2ARRAYOID, INT2OID, INT8ARRAYOID, INT8OID, TEXTOID};
use pgrx::prelude::*;
use pgrx::spi::{SpiClient, SpiResult};

use crate::snapshot::rows::Rows;
use crate::snapshot::*;
use crate::timing::phase;

const RELATIONS: &str = include_str!("../../sql/snapshot/relations.sql");
const VIEW_READS: &str = include_str!("../../sql/snapshot/view_reads.sql");
const POLICIES: &str = include_str!("../../sql/snapshot/policies.sql");
const ROLES: &str = include_str!("../../sql/snapshot/roles.sql");
const FUNCTIONS: &str = include_str!("../../sql/snapshot/functions.sql");
const CONSTRAINTS: &str = include_str!("../../sql/snapshot/constraints.sql");
const CATALOG: &str = include_str!("../../sql/snapshot/catalog.sql");
const OBJECTS: &str = include_str!("../../sql/snapshot/objects.sql");
const PUBLICATION_SCHEMAS: &str = include_str!("../../sql/snapshot/publication_schemas.sql");
const CITUS_TABLES: &str = include_str!("../../sql/snapshot/citus_tables.sql");
const CITUS_FACTS: &str = include_str!("../../sql/snapshot/citus_facts.sql");
const CITUS_SHARDS: &str = include_str!("../../sql/snapshot/citus_shards.sql");
/// The relations named and all their partitions / inheritance children.
const DESCENDANTS: &str = "WITH RECURSIVE d(oid) AS (SELECT unnest($1::int8[]) UNION SELECT i.inhrelid::int8 FROM pg_catalog.pg_inherits i JOIN d ON i.inhparent::int8 = d.oid) SELECT array_agg(oid) FROM d";

/// Default privileges, SECURITY DEFINER triggers, misdeclared functions, rules, publications,
/// row_security settings.
fn objects(c: &SpiClient<'_>, schemas: Option<Vec<String>>, server_version_num: i32) -> SpiResult<Objects> {
    let mut o = Objects::default();
    if server_version_num >= 150000 {
        for row in c.select(PUBLICATION_SCHEMAS, None, &[schemas.clone().into()])? {
            let oid: Option<Oid> = row.get(1)?;
            let name: Option<String> = row.get(2)?;
            if let (Some(oid), Some(name)) = (oid, name) {
                o.publications.push((Some(oid), name));
            }
        }
    }
    for row in c.select(OBJECTS, None, &[schemas.into()])? {
        let Some(kind) = row.get::<String>(1)? else { continue };
        let oid: Option<Oid> = row.get(2)?;
        let oid2: Option<Oid> = row.get(3)?;
        let name: Option<String> = row.get(4)?;
        let name2: Option<String> = row.get(5)?;
        match kind.as_str() {
            "default_acl" => o.default_acls.push(DefaultAcl { role: oid.unwrap_or(0), schema: name }),
            "secdef_trigger" => o.secdef_triggers.push(SecdefTrigger {
                table: oid.unwrap_or(0),
                name: name.unwrap_or_default(),
                function: name2.unwrap_or_default(),
                function_owner: oid2.unwrap_or(0),
            }),
            "session_reader" => {
                o.session_readers.insert(oid.unwrap_or(0), (name.unwrap_or_default(), name2.unwrap_or_default()));
            }
            "rule" => o.rules.push((oid.unwrap_or(0), name.unwrap_or_default())),
            "publication" => o.publications.push((oid, name.unwrap_or_default())),
            "row_security_off" => o.row_security_off.push(oid.unwrap_or(0)),
            _ => {}
        }
    }
    Ok(o)
}

/// The catalog facts reading policy node trees needs.
fn catalog_facts(c: &SpiClient<'_>) -> SpiResult<Catalog> {
    let mut cat = Catalog::default();
    for row in c.select(CATALOG, None, &[])? {
        let (Some(kind), Some(oid)) = (row.get::<String>(1)?, row.get::<i64>(2)?) else { continue };
        let name: Option<String> = row.get(3)?;
        match kind.as_str() {
            "cmp" => {
                if let Some(st) = name.and_then(|n| n.parse::<u8>().ok()) {
                    cat.cmp_ops.insert(oid, st);
                }
            }
            "ne" => {
                cat.cmp_ops.entry(oid).or_insert(6);
            }
            "string_type" => {
                cat.string_types.insert(oid);
            }
            "proc" => {
                let (flags, proname) = name.as_deref().and_then(|n| n.split_once(':')).unwrap_or(("", ""));
                if flags.contains('n') {
                    cat.nonstrict.insert(oid);
                }
                if flags.contains('v') {
                    cat.volatile.insert(oid, proname.to_string());
                }
                if let Some(i) = flags.find('s') {
                    let nargs = flags[i + 1..].chars().next().and_then(|c| c.to_digit(10)).unwrap_or(1);
                    cat.setting_readers.insert(oid, nargs as i16);
                }
                if flags.contains('c') {
                    cat.casefold.insert(oid);
                }
                if flags.contains('a') {
                    cat.accessors.insert(oid);
                }
                if flags.contains('p') {
                    cat.protected_accessors.insert(oid);
                }
            }
            "eq_op" => {
                if let Some(op) = name {
                    cat.eq_ops.insert(oid, op);
                }
            }
            "op_family" => {
                if let Some(f) = name.and_then(|n| n.parse::<Oid>().ok()) {
                    cat.op_families.entry(oid).or_default().push(f);
                }
            }
            "type_family" => {
                if let Some(f) = name.and_then(|n| n.parse::<Oid>().ok()) {
                    cat.type_families.insert(oid, f);
                }
            }
            "checked_domain" => {
                cat.checked_domains.insert(oid, name.as_deref() == Some("not null"));
            }
            "inline" => {
                // owner:strict:nargs:body
                let Some(n) = name else { continue };
                let mut it = n.splitn(4, ':');
                let (Some(owner), Some(strict), Some(nargs), Some(body)) = (it.next(), it.next(), it.next(), it.next())
                else {
                    continue;
                };
                let (Ok(owner), Ok(nargs)) = (owner.parse::<Oid>(), nargs.parse::<i16>()) else { continue };
                cat.inline.insert(oid, InlineFn { owner, strict: strict == "s", nargs, body: body.to_string() });
            }
            _ => {}
        }
    }
    Ok(cat)
}

fn req<T>(v: Option<T>, what: &str) -> SpiResult<T> {
    v.ok_or_else(|| pgrx::spi::SpiError::InvalidPosition.tap_log(what))
}

trait TapLog {
    fn tap_log(self, what: &str) -> Self;
}
impl TapLog for pgrx::spi::SpiError {
    fn tap_log(self, what: &str) -> Self {
        pgrx::warning!("rls_fixer: unexpected NULL in catalog column {what}");
        self
    }
}

pub fn load(cfg: &Config) -> SpiResult<Snapshot> {
    Spi::connect(|c| load_with(c, cfg))
}

/// Only some relations and their policies (no roles, functions or constraints): what the
/// DDL event trigger needs to judge new tables. `new_column_only`: keep relations whose tenant
/// column was added in this transaction.
pub fn load_relations(cfg: &Config, oids: Vec<Oid>, new_column_only: bool) -> SpiResult<Snapshot> {
    Spi::connect(|c| {
        let mut snap = Snapshot::default();
        // the partitions and inheritance children of the tables named too: a column added to a
        // partitioned parent is added to every partition, which the DDL command does not list
        let oids: Vec<Oid> =
            c.select(DESCENDANTS, None, &[oids.into()])?.first().get_one::<Vec<Oid>>()?.unwrap_or_default();
        let args = [
            cfg.tenant_column.as_str().into(),
            cfg.schemas.clone().into(),
            Some(oids.clone()).into(),
            new_column_only.into(),
        ];
        snap.catalog = catalog_facts(c)?;
        snap.relations = relations(c, &args, &snap.catalog, &mut Default::default())?;
        if new_column_only {
            // added by this transaction, or by a subtransaction of it (SAVEPOINT, a PL/pgSQL
            // exception block): the column's catalog row is that (sub)transaction's
            snap.relations.retain(|r| {
                r.tenant_xmin.is_some_and(|x| unsafe {
                    pgrx::pg_sys::TransactionIdIsCurrentTransactionId(pgrx::pg_sys::TransactionId::from(x as u32))
                })
            });
        }
        snap.policies = policies(c, Some(oids), &snap.relations)?;
        snap.citus = citus(c, false)?;
        Ok(snap)
    })
}

/// Reads relation rows by position.
struct RelationCols {
    oid: usize,
    schema: usize,
    name: usize,
    qname: usize,
    kind: usize,
    rls_enabled: usize,
    rls_forced: usize,
    is_partition: usize,
    parent: usize,
    owner: usize,
    tenant_column: usize,
    tenant_qcolumn: usize,
    tenant_attnum: usize,
    tenant_type: usize,
    tenant_type_oid: usize,
    tenant_not_null: usize,
    tenant_xmin: usize,
    tenant_virtual: usize,
    tenant_indexed: usize,
    security_invoker: usize,
    grantees: usize,
    writers: usize,
    truncaters: usize,
}

impl RelationCols {
    fn of(t: &Rows<'_>) -> SpiResult<RelationCols> {
        Ok(RelationCols {
            oid: t.col("oid", INT8OID)?,
            schema: t.col("schema", TEXTOID)?,
            name: t.col("name", TEXTOID)?,
            qname: t.col("qname", TEXTOID)?,
            kind: t.col("kind", TEXTOID)?,
            rls_enabled: t.col("rls_enabled", BOOLOID)?,
            rls_forced: t.col("rls_forced", BOOLOID)?,
            is_partition: t.col("is_partition", BOOLOID)?,
            parent: t.col("parent", INT8OID)?,
            owner: t.col("owner", INT8OID)?,
            tenant_column: t.col("tenant_column", TEXTOID)?,
            tenant_qcolumn: t.col("tenant_qcolumn", TEXTOID)?,
            tenant_attnum: t.col("tenant_attnum", INT2OID)?,
            tenant_type: t.col("tenant_type", TEXTOID)?,
            tenant_type_oid: t.col("tenant_type_oid", INT8OID)?,
            tenant_not_null: t.col("tenant_not_null", BOOLOID)?,
            tenant_xmin: t.col("tenant_xmin", INT8OID)?,
            tenant_virtual: t.col("tenant_virtual", TEXTOID)?,
            tenant_indexed: t.col("tenant_indexed", BOOLOID)?,
            security_invoker: t.col("security_invoker", BOOLOID)?,
            grantees: t.col("grantees", INT8ARRAYOID)?,
            writers: t.col("writers", INT8ARRAYOID)?,
            truncaters: t.col("truncaters", INT8ARRAYOID)?,
        })
    }

    fn row(
        &self,
        row: &Rows<'_>,
        cat: &Catalog,
        reads: &mut std::collections::HashMap<Oid, Vec<Oid>>,
    ) -> SpiResult<Option<Relation>> {
        let oid: i64 = req(row.int8(self.oid), "oid")?;
        let kind = req(row.text(self.kind), "kind")?;
        let Some(kind) = RelKind::from_relkind(kind) else { return Ok(None) };
        let tenant = match row.string(self.tenant_column) {
            Some(name) => {
                let type_oid: Oid = row.int8(self.tenant_type_oid).unwrap_or(0);
                Some(TenantColumn {
                    name,
                    qname: req(row.string(self.tenant_qcolumn), "tenant_qcolumn")?,
                    attnum: req(row.int2(self.tenant_attnum), "tenant_attnum")?,
                    type_name: req(row.string(self.tenant_type), "tenant_type")?,
                    eq_op: cat.eq_ops.get(&type_oid).cloned(),
                    not_null: row.bool(self.tenant_not_null).unwrap_or(false),
                    indexed: row.bool(self.tenant_indexed).unwrap_or(false),
                    virtual_generated: row.string(self.tenant_virtual),
                })
            }
            None => None,
        };
        Ok(Some(Relation {
            oid,
            schema: req(row.string(self.schema), "schema")?,
            name: req(row.string(self.name), "name")?,
            qname: req(row.string(self.qname), "qname")?,
            kind,
            rls_enabled: row.bool(self.rls_enabled).unwrap_or(false),
            rls_forced: row.bool(self.rls_forced).unwrap_or(false),
            is_partition: row.bool(self.is_partition).unwrap_or(false),
            parent: row.int8(self.parent),
            owner: req(row.int8(self.owner), "owner")?,
            tenant,
            security_invoker: row.bool(self.security_invoker).unwrap_or(false),
            grantees: row.int8_array(self.grantees).unwrap_or_default(),
            writers: row.int8_array(self.writers).unwrap_or_default(),
            truncaters: row.int8_array(self.truncaters).unwrap_or_default(),
            reads: reads.remove(&oid).unwrap_or_default(),
            tenant_xmin: row.int8(self.tenant_xmin),
        }))
    }
}

/// Every relation row of the RELATIONS query.
fn relations(
    c: &SpiClient<'_>,
    args: &[pgrx::datum::DatumWithOid<'_>],
    cat: &Catalog,
    reads: &mut std::collections::HashMap<Oid, Vec<Oid>>,
) -> SpiResult<Vec<Relation>> {
    let table = phase("relations.query", || c.select(RELATIONS, None, args))?;
    let mut rows = Rows::of(&table)?;
    let mut out = Vec::with_capacity(rows.len());
    if rows.is_empty() {
        return Ok(out);
    }
    let cols = RelationCols::of(&rows)?;
    for i in 0..rows.len() {
        rows.at(i);
        if let Some(r) = cols.row(&rows, cat, reads)? {
            out.push(r);
        }
    }
    Ok(out)
}

/// The policies of the relations read (all, or those of `oids`), read by position. Policies of
/// other tables (other schemas, temporary tables) are dropped here: the checks look every
/// policy's table up among the relations.
fn policies(c: &SpiClient<'_>, oids: Option<Vec<Oid>>, relations: &[Relation]) -> SpiResult<Vec<Policy>> {
    let table = phase("policies.query", || c.select(POLICIES, None, &[oids.into()]))?;
    let mut rows = Rows::of(&table)?;
    let mut out = Vec::with_capacity(rows.len());
    if rows.is_empty() {
        return Ok(out);
    }
    let audited: rustc_hash::FxHashSet<Oid> = relations.iter().map(|r| r.oid).collect();
    let (oid, tbl, name, qname, cmd, permissive, roles, using_tree, check_tree) = (
        rows.col("oid", INT8OID)?,
        rows.col("tbl", INT8OID)?,
        rows.col("name", TEXTOID)?,
        rows.col("qname", TEXTOID)?,
        rows.col("cmd", TEXTOID)?,
        rows.col("permissive", BOOLOID)?,
        rows.col("roles", INT8ARRAYOID)?,
        rows.col("using_tree", TEXTOID)?,
        rows.col("check_tree", TEXTOID)?,
    );
    // thousands of tables share a handful of policy trees: each distinct stored value is
    // decompressed and copied once, and shared
    let mut trees: rustc_hash::FxHashMap<&[u8], Tree> = rustc_hash::FxHashMap::default();
    for i in 0..rows.len() {
        rows.at(i);
        let table: Oid = req(rows.int8(tbl), "tbl")?;
        if !audited.contains(&table) {
            continue;
        }
        let mut tree = |c: usize| {
            let raw = rows.raw(c)?;
            Some(trees.entry(raw).or_insert_with(|| rows.text(c).unwrap_or_default().into()).clone())
        };
        let using = tree(using_tree);
        let check = tree(check_tree);
        out.push(Policy {
            oid: req(rows.int8(oid), "oid")?,
            table,
            name: req(rows.string(name), "name")?,
            qname: req(rows.string(qname), "qname")?,
            cmd: PolicyCmd::from_polcmd(req(rows.text(cmd), "cmd")?),
            permissive: rows.bool(permissive).unwrap_or(true),
            roles: rows.int8_array(roles).unwrap_or_default(),
            using,
            check,
        });
    }
    Ok(out)
}

/// Every constraint row of the CONSTRAINTS query on the relations read, read by position: the
/// qualified name is the table's and the constraint's (rows of other tables are dropped).
fn constraints(c: &SpiClient<'_>, relations: &[Relation]) -> SpiResult<Vec<Constraint>> {
    let table = c.select(CONSTRAINTS, None, &[])?;
    let mut rows = Rows::of(&table)?;
    let mut out = Vec::with_capacity(rows.len());
    if rows.is_empty() {
        return Ok(out);
    }
    let qnames: rustc_hash::FxHashMap<Oid, &str> = relations.iter().map(|r| (r.oid, r.qname.as_str())).collect();
    let (tbl, name, qname, kind, columns, ref_table, ref_columns, predicate) = (
        rows.col("tbl", INT8OID)?,
        rows.col("name", TEXTOID)?,
        rows.col("qname", TEXTOID)?,
        rows.col("kind", TEXTOID)?,
        rows.col("columns", INT2ARRAYOID)?,
        rows.col("ref_table", INT8OID)?,
        rows.col("ref_columns", INT2ARRAYOID)?,
        rows.col("predicate", TEXTOID)?,
    );
    for i in 0..rows.len() {
        rows.at(i);
        let table: Oid = req(rows.int8(tbl), "tbl")?;
        let Some(table_qname) = qnames.get(&table) else { continue };
        let own = req(rows.text(qname), "qname")?;
        out.push(Constraint {
            table,
            name: req(rows.string(name), "name")?,
            qname: format!("{table_qname}.{own}"),
            kind: match req(rows.text(kind), "kind")? {
                "p" => ConstraintKind::Primary,
                "u" => ConstraintKind::Unique,
                "i" => ConstraintKind::UniqueIndex,
                _ => ConstraintKind::Foreign,
            },
            columns: rows.int2_array(columns).unwrap_or_default(),
            ref_table: rows.int8(ref_table),
            ref_columns: rows.int2_array(ref_columns).unwrap_or_default(),
            predicate: rows.string(predicate),
        });
    }
    Ok(out)
}

fn load_with(c: &SpiClient<'_>, cfg: &Config) -> SpiResult<Snapshot> {
    let schemas: Option<Vec<String>> = cfg.schemas.clone();
    let server_version_num = c
        .select("SELECT pg_catalog.current_setting('server_version_num')::int4", None, &[])?
        .first()
        .get_one::<i32>()?
        .unwrap_or(0);
    let mut snap = Snapshot { server_version_num, ..Default::default() };

    let mut reads: std::collections::HashMap<Oid, Vec<Oid>> = std::collections::HashMap::new();
    phase("view_reads", || {
        for row in c.select(VIEW_READS, None, &[])? {
            let view: i64 = req(row.get_by_name("view")?, "view")?;
            let r: Vec<i64> = row.get_by_name("reads")?.unwrap_or_default();
            reads.insert(view, r);
        }
        Ok::<_, pgrx::spi::SpiError>(())
    })?;

    let none: Option<Vec<i64>> = None;
    let args = [cfg.tenant_column.as_str().into(), schemas.clone().into(), none.clone().into(), false.into()];
    snap.catalog = phase("catalog", || catalog_facts(c))?;
    snap.relations = phase("relations", || relations(c, &args, &snap.catalog, &mut reads))?;

    snap.policies = phase("policies", || policies(c, None, &snap.relations))?;

    phase("roles", || -> SpiResult<()> {
        for row in c.select(ROLES, None, &[])? {
            snap.roles.push(Role {
                oid: req(row.get_by_name("oid")?, "oid")?,
                name: req(row.get_by_name("name")?, "name")?,
                qname: req(row.get_by_name("qname")?, "qname")?,
                superuser: row.get_by_name("superuser")?.unwrap_or(false),
                bypassrls: row.get_by_name("bypassrls")?.unwrap_or(false),
                login: row.get_by_name("login")?.unwrap_or(false),
                member_of: row.get_by_name("member_of")?.unwrap_or_default(),
            });
        }
        Ok(())
    })?;

    let tenant_names: Vec<(Oid, String)> =
        snap.relations.iter().filter(|r| r.is_tenant_table()).map(|r| (r.oid, r.name.to_lowercase())).collect();
    phase("functions", || -> SpiResult<()> {
        for row in c.select(FUNCTIONS, None, &[schemas.clone().into()])? {
            let body: String = row.get_by_name("body")?.unwrap_or_default();
            let mut reads: Vec<Oid> = row.get_by_name("deps")?.unwrap_or_default();
            let lower = body.to_lowercase();
            for (oid, name) in &tenant_names {
                if mentions(&lower, name) && !reads.contains(oid) {
                    reads.push(*oid);
                }
            }
            snap.functions.push(Function {
                oid: req(row.get_by_name("oid")?, "oid")?,
                signature: req(row.get_by_name("signature")?, "signature")?,
                owner: req(row.get_by_name("owner")?, "owner")?,
                security_definer: row.get_by_name("security_definer")?.unwrap_or(false),
                search_path: row.get_by_name("search_path")?,
                executors: row.get_by_name("executors")?.unwrap_or_default(),
                reads,
            });
        }
        Ok(())
    })?;

    snap.constraints = phase("constraints", || constraints(c, &snap.relations))?;
    snap.objects = phase("objects", || objects(c, schemas, server_version_num))?;
    snap.citus = phase("citus", || citus(c, true))?;
    Ok(snap)
}

/// The Citus facts, None when the citus extension is not installed in this database (its
/// catalogs are then never named). `shards`: also ask every node about its shards (one
/// `run_command_on_all_nodes`), from the coordinator and only while this transaction has not
/// written: the nodes answer from new connections, which would not see its uncommitted DDL.
fn citus(c: &SpiClient<'_>, shards: bool) -> SpiResult<Option<Citus>> {
    let installed = c
        .select(
            "SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'citus')",
            None,
            &[],
        )?
        .first()
        .get_one::<bool>()?
        .unwrap_or(false);
    if !installed {
        return Ok(None);
    }
    let mut ci = Citus { propagate_default: "none".into(), ..Default::default() };
    for row in c.select(CITUS_TABLES, None, &[])? {
        let oid: Oid = req(row.get(1)?, "oid")?;
        let partmethod: String = row.get(2)?.unwrap_or_default();
        let repmodel: String = row.get(3)?.unwrap_or_default();
        ci.tables.insert(
            oid,
            CitusTable {
                kind: CitusKind::from_partition(&partmethod, &repmodel),
                column: row.get(4)?,
                shards: row.get(5)?.unwrap_or(0),
            },
        );
    }
    for row in c.select(CITUS_FACTS, None, &[])? {
        let kind: String = row.get(1)?.unwrap_or_default();
        let value: String = row.get(2)?.unwrap_or_default();
        match kind.as_str() {
            "version" => ci.version = value,
            "coordinator" => ci.coordinator = value == "true",
            "propagate_default" => ci.propagate_default = value,
            "propagate" => ci.propagate_settings.push((row.get(3)?.unwrap_or(0), row.get(4)?.unwrap_or(false), value)),
            _ => {}
        }
    }
    let wrote = unsafe { pgrx::pg_sys::GetTopTransactionIdIfAny() } != pgrx::pg_sys::InvalidTransactionId;
    if shards && ci.coordinator && !wrote && !ci.tables.is_empty() {
        let mut nodes = Vec::new();
        for row in c.select(
            "SELECT n.nodename::text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) n.nodeport::text, r.success, r.result
               FROM pg_catalog.run_command_on_all_nodes($1) r
               JOIN pg_catalog.pg_dist_node n ON n.nodeid OPERATOR(pg_catalog.=) r.nodeid
              ORDER BY n.nodeid",
            None,
            &[CITUS_SHARDS.into()],
        )? {
            let node: String = row.get(1)?.unwrap_or_default();
            let ok: bool = row.get(2)?.unwrap_or(false);
            let text: String = row.get(3)?.unwrap_or_default();
            let result = if ok { parse_shard_groups(&text) } else { Err(text) };
            nodes.push(NodeShards { node, result });
        }
        ci.nodes = Some(nodes);
    }
    Ok(Some(ci))
}

/// One node's answer to `citus_shards.sql`: `[[schema, table, shards, rls, forced, [[names, n], …],
/// [diverging policy, …] | null], …]`.
pub fn parse_shard_groups(text: &str) -> Result<Vec<ShardGroup>, String> {
    use serde_json::Value;
    let v: Value = serde_json::from_str(text).map_err(|e| format!("unreadable answer ({e})"))?;
    let rows = v.as_array().ok_or("unreadable answer (not an array)")?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let str_at = |i: usize| r.get(i).and_then(Value::as_str).unwrap_or_default().to_string();
        let int_at = |i: usize| r.get(i).and_then(Value::as_i64).unwrap_or(0);
        let policy_sets = r
            .get(5)
            .and_then(Value::as_array)
            .map(|sets| {
                sets.iter()
                    .map(|s| {
                        (
                            s.get(0).and_then(Value::as_str).unwrap_or_default().to_string(),
                            s.get(1).and_then(Value::as_i64).unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let diverging = r
            .get(6)
            .and_then(Value::as_array)
            .map(|d| d.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        out.push(ShardGroup {
            schema: str_at(0),
            name: str_at(1),
            shards: int_at(2),
            rls: int_at(3),
            forced: int_at(4),
            policy_sets,
            diverging,
        });
    }
    Ok(out)
}

/// Does lower-cased source text mention `name` as a whole word?
pub fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_groups_parse() {
        let g = parse_shard_groups(
            r#"[["public", "orders", 4, 4, 3, [["p", 3], ["", 1]], ["p"]], ["app", "t", 1, 0, 0, null, null]]"#,
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].schema.as_str(), g[0].name.as_str(), g[0].shards, g[0].rls, g[0].forced),
            ("public", "orders", 4, 4, 3)
        );
        assert_eq!(g[0].policy_sets, vec![("p".to_string(), 3), (String::new(), 1)]);
        assert_eq!(g[0].diverging, vec!["p".to_string()]);
        assert!(g[1].policy_sets.is_empty() && g[1].diverging.is_empty());
        assert!(parse_shard_groups("not json").is_err());
    }

    #[test]
    fn mentions_whole_words_only() {
        assert!(mentions("select * from app.orders where", "orders"));
        assert!(!mentions("select * from app.orders_archive", "orders"));
        assert!(!mentions("preorders", "orders"));
    }
}
