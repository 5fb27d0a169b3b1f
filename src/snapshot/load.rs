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
            "nonstrict" => {
                cat.nonstrict.insert(oid);
            }
            "volatile" => {
                cat.volatile.insert(oid, name.unwrap_or_default());
            }
            "setting_reader" => {
                cat.setting_readers.insert(oid, name.and_then(|n| n.parse().ok()).unwrap_or(1));
            }
            "casefold" => {
                cat.casefold.insert(oid);
            }
            "accessor" if name.as_deref() == Some("tenant") => {
                cat.protected_accessors.insert(oid);
            }
            "accessor" => {
                cat.accessors.insert(oid);
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
        let args = [
            cfg.tenant_column.as_str().into(),
            cfg.schemas.clone().into(),
            Some(oids.clone()).into(),
            new_column_only.into(),
        ];
        for row in c.select(RELATIONS, None, &args)? {
            if let Some(r) = relation_row(&row, &mut Default::default())? {
                snap.relations.push(r);
            }
        }
        snap.catalog = catalog_facts(c)?;
        for row in c.select(POLICIES, None, &[cfg.schemas.clone().into(), Some(oids).into()])? {
            snap.policies.push(policy_row(&row)?);
        }
        Ok(snap)
    })
}

type Row<'a> = pgrx::spi::SpiHeapTupleData<'a>;

fn relation_row(row: &Row<'_>, reads: &mut std::collections::HashMap<Oid, Vec<Oid>>) -> SpiResult<Option<Relation>> {
    let oid: i64 = req(row.get_by_name("oid")?, "oid")?;
    let kind: String = req(row.get_by_name("kind")?, "kind")?;
    let Some(kind) = RelKind::from_relkind(&kind) else { return Ok(None) };
    let tenant = match row.get_by_name::<String, _>("tenant_column")? {
        Some(name) => Some(TenantColumn {
            name,
            qname: req(row.get_by_name("tenant_qcolumn")?, "tenant_qcolumn")?,
            attnum: req(row.get_by_name("tenant_attnum")?, "tenant_attnum")?,
            type_name: req(row.get_by_name("tenant_type")?, "tenant_type")?,
            eq_op: row.get_by_name("tenant_eq")?,
            not_null: row.get_by_name("tenant_not_null")?.unwrap_or(false),
            indexed: row.get_by_name("tenant_indexed")?.unwrap_or(false),
            virtual_generated: row.get_by_name("tenant_virtual")?.unwrap_or(false),
        }),
        None => None,
    };
    Ok(Some(Relation {
        oid,
        schema: req(row.get_by_name("schema")?, "schema")?,
        name: req(row.get_by_name("name")?, "name")?,
        qname: req(row.get_by_name("qname")?, "qname")?,
        kind,
        rls_enabled: row.get_by_name("rls_enabled")?.unwrap_or(false),
        rls_forced: row.get_by_name("rls_forced")?.unwrap_or(false),
        is_partition: row.get_by_name("is_partition")?.unwrap_or(false),
        parent: row.get_by_name("parent")?,
        owner: req(row.get_by_name("owner")?, "owner")?,
        tenant,
        security_invoker: row.get_by_name("security_invoker")?.unwrap_or(false),
        grantees: row.get_by_name("grantees")?.unwrap_or_default(),
        reads: reads.remove(&oid).unwrap_or_default(),
    }))
}

fn policy_row(row: &Row<'_>) -> SpiResult<Policy> {
    let cmd: String = req(row.get_by_name("cmd")?, "cmd")?;
    let using: Option<String> = row.get_by_name("using_tree")?;
    let check: Option<String> = if row.get_by_name::<bool, _>("check_same")?.unwrap_or(false) {
        using.clone()
    } else {
        row.get_by_name("check_tree")?
    };
    Ok(Policy {
        table: req(row.get_by_name("tbl")?, "tbl")?,
        name: req(row.get_by_name("name")?, "name")?,
        qname: req(row.get_by_name("qname")?, "qname")?,
        cmd: PolicyCmd::from_polcmd(&cmd),
        permissive: row.get_by_name("permissive")?.unwrap_or(true),
        roles: row.get_by_name("roles")?.unwrap_or_default(),
        using,
        check,
    })
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
    for row in c.select(RELATIONS, None, &args)? {
        if let Some(r) = relation_row(&row, &mut reads)? {
            snap.relations.push(r);
        }
    }

    snap.catalog = catalog_facts(c)?;
    for row in c.select(POLICIES, None, &[schemas.clone().into(), none.into()])? {
        snap.policies.push(policy_row(&row)?);
    }

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
            search_path_pinned: row.get_by_name("pinned")?.unwrap_or(false),
            executors: row.get_by_name("executors")?.unwrap_or_default(),
            reads,
        });
    }

    for row in c.select(CONSTRAINTS, None, &[schemas.into()])? {
        let kind: String = req(row.get_by_name("kind")?, "kind")?;
        let kind = match kind.as_str() {
            "p" => ConstraintKind::Primary,
            "u" => ConstraintKind::Unique,
            _ => ConstraintKind::Foreign,
        };
        snap.constraints.push(Constraint {
            table: req(row.get_by_name("tbl")?, "tbl")?,
            name: req(row.get_by_name("name")?, "name")?,
            qname: req(row.get_by_name("qname")?, "qname")?,
            kind,
            columns: row.get_by_name("columns")?.unwrap_or_default(),
            ref_table: row.get_by_name("ref_table")?,
            ref_columns: row.get_by_name("ref_columns")?.unwrap_or_default(),
        });
    }
    Ok(snap)
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
    fn mentions_whole_words_only() {
        assert!(mentions("select * from app.orders where", "orders"));
        assert!(!mentions("select * from app.orders_archive", "orders"));
        assert!(!mentions("preorders", "orders"));
    }
}
