//! The catalog snapshot: a fixed number of set-based, read-only catalog queries (their count
//! does not grow with the number of tables) into the plain structs of `snapshot.rs`.

use pgrx::prelude::*;
use pgrx::spi::{SpiClient, SpiResult};

use crate::snapshot::*;

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
        snap.policies = policies(c, &[cfg.schemas.clone().into(), Some(oids).into()])?;
        snap.citus = citus(c, false)?;
        Ok(snap)
    })
}

type Row<'a> = pgrx::spi::SpiHeapTupleData<'a>;

/// The column positions of a query's result, looked up by name once per query (rows are then
/// read by position: thousands of rows, a name lookup per column each would show).
struct Cols(std::collections::HashMap<String, usize>);

impl Cols {
    fn of(t: &pgrx::spi::SpiTupleTable<'_>) -> SpiResult<Cols> {
        let mut m = std::collections::HashMap::new();
        for i in 1..=t.columns()? {
            m.insert(t.column_name(i)?, i);
        }
        Ok(Cols(m))
    }
    fn at(&self, name: &str) -> SpiResult<usize> {
        self.0.get(name).copied().ok_or_else(|| pgrx::spi::SpiError::InvalidPosition.tap_log(name))
    }
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
    fn of(t: &pgrx::spi::SpiTupleTable<'_>) -> SpiResult<RelationCols> {
        let c = Cols::of(t)?;
        Ok(RelationCols {
            oid: c.at("oid")?,
            schema: c.at("schema")?,
            name: c.at("name")?,
            qname: c.at("qname")?,
            kind: c.at("kind")?,
            rls_enabled: c.at("rls_enabled")?,
            rls_forced: c.at("rls_forced")?,
            is_partition: c.at("is_partition")?,
            parent: c.at("parent")?,
            owner: c.at("owner")?,
            tenant_column: c.at("tenant_column")?,
            tenant_qcolumn: c.at("tenant_qcolumn")?,
            tenant_attnum: c.at("tenant_attnum")?,
            tenant_type: c.at("tenant_type")?,
            tenant_type_oid: c.at("tenant_type_oid")?,
            tenant_not_null: c.at("tenant_not_null")?,
            tenant_xmin: c.at("tenant_xmin")?,
            tenant_virtual: c.at("tenant_virtual")?,
            tenant_indexed: c.at("tenant_indexed")?,
            security_invoker: c.at("security_invoker")?,
            grantees: c.at("grantees")?,
            writers: c.at("writers")?,
            truncaters: c.at("truncaters")?,
        })
    }

    fn row(
        &self,
        row: &Row<'_>,
        cat: &Catalog,
        reads: &mut std::collections::HashMap<Oid, Vec<Oid>>,
    ) -> SpiResult<Option<Relation>> {
        let oid: i64 = req(row.get(self.oid)?, "oid")?;
        let kind: String = req(row.get(self.kind)?, "kind")?;
        let Some(kind) = RelKind::from_relkind(&kind) else { return Ok(None) };
        let tenant = match row.get::<String>(self.tenant_column)? {
            Some(name) => {
                let type_oid: Oid = row.get(self.tenant_type_oid)?.unwrap_or(0);
                Some(TenantColumn {
                    name,
                    qname: req(row.get(self.tenant_qcolumn)?, "tenant_qcolumn")?,
                    attnum: req(row.get(self.tenant_attnum)?, "tenant_attnum")?,
                    type_name: req(row.get(self.tenant_type)?, "tenant_type")?,
                    eq_op: cat.eq_ops.get(&type_oid).cloned(),
                    not_null: row.get(self.tenant_not_null)?.unwrap_or(false),
                    indexed: row.get(self.tenant_indexed)?.unwrap_or(false),
                    virtual_generated: row.get(self.tenant_virtual)?,
                })
            }
            None => None,
        };
        Ok(Some(Relation {
            oid,
            schema: req(row.get(self.schema)?, "schema")?,
            name: req(row.get(self.name)?, "name")?,
            qname: req(row.get(self.qname)?, "qname")?,
            kind,
            rls_enabled: row.get(self.rls_enabled)?.unwrap_or(false),
            rls_forced: row.get(self.rls_forced)?.unwrap_or(false),
            is_partition: row.get(self.is_partition)?.unwrap_or(false),
            parent: row.get(self.parent)?,
            owner: req(row.get(self.owner)?, "owner")?,
            tenant,
            security_invoker: row.get(self.security_invoker)?.unwrap_or(false),
            grantees: row.get(self.grantees)?.unwrap_or_default(),
            writers: row.get(self.writers)?.unwrap_or_default(),
            truncaters: row.get(self.truncaters)?.unwrap_or_default(),
            reads: reads.remove(&oid).unwrap_or_default(),
            tenant_xmin: row.get(self.tenant_xmin)?,
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
    let table = c.select(RELATIONS, None, args)?;
    let mut out = Vec::with_capacity(table.len());
    if table.is_empty() {
        return Ok(out);
    }
    let cols = RelationCols::of(&table)?;
    for row in table {
        if let Some(r) = cols.row(&row, cat, reads)? {
            out.push(r);
        }
    }
    Ok(out)
}

/// Every policy row of the POLICIES query, read by position.
fn policies(c: &SpiClient<'_>, args: &[pgrx::datum::DatumWithOid<'_>]) -> SpiResult<Vec<Policy>> {
    let table = c.select(POLICIES, None, args)?;
    let mut out = Vec::with_capacity(table.len());
    if table.is_empty() {
        return Ok(out);
    }
    let k = Cols::of(&table)?;
    let (oid, tbl, name, qname, cmd, permissive, roles, using_tree, check_same, check_tree) = (
        k.at("oid")?,
        k.at("tbl")?,
        k.at("name")?,
        k.at("qname")?,
        k.at("cmd")?,
        k.at("permissive")?,
        k.at("roles")?,
        k.at("using_tree")?,
        k.at("check_same")?,
        k.at("check_tree")?,
    );
    for row in table {
        let cmd_text: String = req(row.get(cmd)?, "cmd")?;
        let using: Option<String> = row.get(using_tree)?;
        let check: Option<String> =
            if row.get::<bool>(check_same)?.unwrap_or(false) { using.clone() } else { row.get(check_tree)? };
        out.push(Policy {
            oid: req(row.get(oid)?, "oid")?,
            table: req(row.get(tbl)?, "tbl")?,
            name: req(row.get(name)?, "name")?,
            qname: req(row.get(qname)?, "qname")?,
            cmd: PolicyCmd::from_polcmd(&cmd_text),
            permissive: row.get(permissive)?.unwrap_or(true),
            roles: row.get(roles)?.unwrap_or_default(),
            using,
            check,
        });
    }
    Ok(out)
}

/// Every constraint row of the CONSTRAINTS query, read by position.
fn constraints(c: &SpiClient<'_>, args: &[pgrx::datum::DatumWithOid<'_>]) -> SpiResult<Vec<Constraint>> {
    let table = c.select(CONSTRAINTS, None, args)?;
    let mut out = Vec::with_capacity(table.len());
    if table.is_empty() {
        return Ok(out);
    }
    let k = Cols::of(&table)?;
    let (tbl, name, qname, kind, columns, ref_table, ref_columns, predicate) = (
        k.at("tbl")?,
        k.at("name")?,
        k.at("qname")?,
        k.at("kind")?,
        k.at("columns")?,
        k.at("ref_table")?,
        k.at("ref_columns")?,
        k.at("predicate")?,
    );
    for row in table {
        let kind_text: String = req(row.get(kind)?, "kind")?;
        out.push(Constraint {
            table: req(row.get(tbl)?, "tbl")?,
            name: req(row.get(name)?, "name")?,
            qname: req(row.get(qname)?, "qname")?,
            kind: match kind_text.as_str() {
                "p" => ConstraintKind::Primary,
                "u" => ConstraintKind::Unique,
                "i" => ConstraintKind::UniqueIndex,
                _ => ConstraintKind::Foreign,
            },
            columns: row.get(columns)?.unwrap_or_default(),
            ref_table: row.get(ref_table)?,
            ref_columns: row.get(ref_columns)?.unwrap_or_default(),
            predicate: row.get(predicate)?,
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
    for row in c.select(VIEW_READS, None, &[])? {
        let view: i64 = req(row.get_by_name("view")?, "view")?;
        let r: Vec<i64> = row.get_by_name("reads")?.unwrap_or_default();
        reads.insert(view, r);
    }

    let none: Option<Vec<i64>> = None;
    let args = [cfg.tenant_column.as_str().into(), schemas.clone().into(), none.clone().into(), false.into()];
    snap.catalog = catalog_facts(c)?;
    snap.relations = relations(c, &args, &snap.catalog, &mut reads)?;

    snap.policies = policies(c, &[schemas.clone().into(), none.into()])?;

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

    let tenant_names: Vec<(Oid, String)> =
        snap.relations.iter().filter(|r| r.is_tenant_table()).map(|r| (r.oid, r.name.to_lowercase())).collect();
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

    snap.constraints = constraints(c, &[schemas.clone().into()])?;
    snap.objects = objects(c, schemas, server_version_num)?;
    snap.citus = citus(c, true)?;
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
