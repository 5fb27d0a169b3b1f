//! Citus facts of the snapshot (`sql/snapshot/citus_*.sql`), read only when the `citus`
//! extension exists in the database: which tables Citus manages and how, the
//! `citus.propagate_set_commands` the app roles get, and what the shards on every node say
//! about row-level security. Plain structs; the checks in `checks/citus.rs` read them.

use std::collections::HashMap;

use super::Oid;

/// How Citus manages a table (`pg_dist_partition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CitusKind {
    /// hash-distributed (`partmethod = 'h'`): shards on the workers
    Distributed,
    /// a reference table (`partmethod = 'n'`, `repmodel = 't'`): a full copy on every node
    Reference,
    /// a Citus local table (`partmethod = 'n'`): one shard on the coordinator
    Local,
    /// append- or range-distributed (legacy)
    Other,
}

impl CitusKind {
    pub fn from_partition(partmethod: &str, repmodel: &str) -> CitusKind {
        match (partmethod, repmodel) {
            ("h", _) => CitusKind::Distributed,
            ("n", "t") => CitusKind::Reference,
            ("n", _) => CitusKind::Local,
            _ => CitusKind::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CitusKind::Distributed => "distributed",
            CitusKind::Reference => "reference",
            CitusKind::Local => "Citus local",
            CitusKind::Other => "append/range-distributed",
        }
    }
}

/// A table in Citus metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct CitusTable {
    pub kind: CitusKind,
    /// the distribution column (hash-distributed tables)
    pub column: Option<String>,
    pub shards: i64,
}

/// What the shards of one table on one node look like, summed up on that node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShardGroup {
    /// the shell table's schema and name (OIDs differ between nodes)
    pub schema: String,
    pub name: String,
    /// shards of the table on this node
    pub shards: i64,
    /// of them with row-level security enabled / forced
    pub rls: i64,
    pub forced: i64,
    /// the distinct sets of policy names on these shards (comma-separated, sorted), with how
    /// many shards have each
    pub policy_sets: Vec<(String, i64)>,
    /// policy names whose command, kind, roles or expressions differ between these shards
    pub diverging: Vec<String>,
}

/// The shards of one node, or why they could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeShards {
    /// `host:port`
    pub node: String,
    pub result: Result<Vec<ShardGroup>, String>,
}

/// The Citus facts of a snapshot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Citus {
    /// `citus` extension version
    pub version: String,
    /// tables in Citus metadata, by oid
    pub tables: HashMap<Oid, CitusTable>,
    /// this node is the coordinator (group 0)
    pub coordinator: bool,
    /// `citus.propagate_set_commands` in `pg_db_role_setting` for this database or all:
    /// (role, 0 = every role; set for this database only; value)
    pub propagate_settings: Vec<(Oid, bool, String)>,
    /// the server's value of `citus.propagate_set_commands` (configuration file or default)
    pub propagate_default: String,
    /// every node's shards; None when not read (not the coordinator, or this transaction has
    /// already written: other connections would not see its uncommitted DDL)
    pub nodes: Option<Vec<NodeShards>>,
}

impl Citus {
    pub fn table(&self, oid: Oid) -> Option<&CitusTable> {
        self.tables.get(&oid)
    }

    /// `citus.propagate_set_commands` as `role` gets it in this database: per role and
    /// database, per role, per database, then the server's.
    pub fn propagate_for(&self, role: Oid) -> &str {
        let find = |r: Oid, db: bool| {
            self.propagate_settings.iter().find(|(x, d, _)| *x == r && *d == db).map(|(_, _, v)| v.as_str())
        };
        find(role, true)
            .or_else(|| find(role, false))
            .or_else(|| find(0, true))
            .or_else(|| find(0, false))
            .unwrap_or(&self.propagate_default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_pg_dist_partition() {
        assert_eq!(CitusKind::from_partition("h", "s"), CitusKind::Distributed);
        assert_eq!(CitusKind::from_partition("n", "t"), CitusKind::Reference);
        assert_eq!(CitusKind::from_partition("n", "s"), CitusKind::Local);
        assert_eq!(CitusKind::from_partition("a", "c"), CitusKind::Other);
    }

    #[test]
    fn propagate_precedence() {
        let mut c = Citus { propagate_default: "none".into(), ..Default::default() };
        assert_eq!(c.propagate_for(5), "none");
        c.propagate_settings.push((0, false, "local".into()));
        assert_eq!(c.propagate_for(5), "local");
        c.propagate_settings.push((5, false, "none".into()));
        assert_eq!(c.propagate_for(5), "none");
        assert_eq!(c.propagate_for(6), "local");
        c.propagate_settings.push((5, true, "local".into()));
        assert_eq!(c.propagate_for(5), "local");
    }
}
