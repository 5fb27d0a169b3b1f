//! SQL text: identifiers, literals and the statements rls_fixer generates. Shared by the
//! checks (a finding's `fix_sql`) and the planner; pure Rust.

use crate::config::{Config, ContextMode};
use crate::snapshot::{Index, Relation, TenantColumn};

/// Quote an identifier the way `quote_ident` does for plain names; anything that is not a
/// lower-case identifier is double-quoted. Used for messages and generated names only:
/// catalog names come quoted by the server.
pub fn ident(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&s);
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

// Reserved and type/function-name keywords that quote_ident always quotes.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// A string literal. Settings names are validated before they get here; quotes are doubled
/// and backslashes force the E'' form anyway.
pub fn literal(s: &str) -> String {
    if s.contains('\\') {
        format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// The commands of a statement rls_fixer generated (`DROP POLICY …; CREATE POLICY …`): split at
/// the semicolons outside '…' and "…" (the only quoting `ident` and `literal` write; a quote
/// inside is doubled, a backslash in an E'' literal is doubled too).
pub fn split_statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quote) = (0, None::<char>);
    for (i, ch) in sql.char_indices() {
        match (quote, ch) {
            (None, '\'' | '"') => quote = Some(ch),
            (Some(q), c) if c == q => quote = None, // a doubled quote closes and reopens
            (None, ';') => {
                out.push(sql[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(sql[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

pub fn enable(q: &str) -> String {
    format!("ALTER TABLE {q} ENABLE ROW LEVEL SECURITY")
}
pub fn disable(q: &str) -> String {
    format!("ALTER TABLE {q} DISABLE ROW LEVEL SECURITY")
}
pub fn force(q: &str) -> String {
    format!("ALTER TABLE {q} FORCE ROW LEVEL SECURITY")
}
pub fn no_force(q: &str) -> String {
    format!("ALTER TABLE {q} NO FORCE ROW LEVEL SECURITY")
}
pub fn nobypassrls(role: &str) -> String {
    format!("ALTER ROLE {role} NOBYPASSRLS")
}
pub fn bypassrls(role: &str) -> String {
    format!("ALTER ROLE {role} BYPASSRLS")
}
pub fn security_invoker(view: &str) -> String {
    format!("ALTER VIEW {view} SET (security_invoker = true)")
}
pub fn reset_security_invoker(view: &str) -> String {
    format!("ALTER VIEW {view} RESET (security_invoker)")
}
pub fn drop_policy(name: &str, table: &str) -> String {
    format!("DROP POLICY {} ON {table}", ident(name))
}

/// What a generated policy reads the tenant from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `current_setting(<setting>, true)`, through NULLIF and a scalar sub-select
    Setting(String),
    /// the extension's accessor `rls_fixer.tenant()`, folded to a constant at plan time
    Protected,
    /// `current_setting(<setting>, true)` through NULLIF, without the sub-select: the form Citus
    /// propagates to shards (it refuses sub-selects in policies), read on the workers from the
    /// setting `set_tenant_context(id, true)` propagates
    Bare(String),
}

impl Form {
    /// The form `rls_fixer.context_mode` asks for.
    pub fn of(cfg: &Config) -> Form {
        match cfg.context_mode {
            ContextMode::Setting => Form::Setting(cfg.tenant_setting.clone()),
            ContextMode::Protected => Form::Protected,
        }
    }

    /// The form for one table. In a database with Citus: tables Citus manages get the bare
    /// form in either mode (workers cannot receive the protected tenant), and so do local
    /// tables in setting mode (a table with a sub-select policy cannot be distributed later).
    pub fn of_table(cfg: &Config, r: &Relation, ix: &Index) -> Form {
        match &ix.snap.citus {
            Some(c) if c.table(r.oid).is_some() || cfg.context_mode == ContextMode::Setting => {
                Form::Bare(cfg.tenant_setting.clone())
            }
            _ => Form::of(cfg),
        }
    }
}

/// The tenant predicate: the bare column (index-friendly) against the tenant cast to the
/// column's type.
///
/// Setting form: NULLIF makes an unset or cleared setting NULL, so it matches no row and never
/// raises a cast error. The value is a scalar sub-select, so PostgreSQL computes it once per
/// query (an InitPlan) instead of once per row on a sequential scan (see BENCHMARKS.md: 3.8x
/// slower unindexed counts without it); index scans use it as well.
///
/// Bare form (Citus): the same without the sub-select, evaluated per row on a sequential scan.
///
/// Protected form: `rls_fixer.tenant()` is NULL without a tenant and is folded to a constant
/// when the query is planned (plain index lookups, partition pruning); every change of the
/// tenant invalidates the plans it was folded into (see `tenant::protected`).
///
/// The cast is to the type without its modifier (`bpchar`, not `char(4)`, which would
/// truncate a longer id into another tenant's), and the comparison uses the type's own
/// equality operator when it is not pg_catalog's (`OPERATOR(public.=)` for citext): the
/// policy is created under `search_path = pg_catalog, pg_temp`.
pub fn predicate(t: &TenantColumn, form: &Form) -> String {
    let eq = t.eq_op.as_deref().unwrap_or("=");
    let typed = |v: String| if t.type_name == "text" { v } else { format!("({v})::{}", t.type_name) };
    match form {
        Form::Setting(setting) => {
            let value = typed(format!("NULLIF(current_setting({}, true), '')", literal(setting)));
            format!("{} {eq} (SELECT {value})", t.qname)
        }
        Form::Protected => {
            let value = typed("rls_fixer.tenant()".to_string());
            format!("{} {eq} {value}", t.qname)
        }
        Form::Bare(setting) => {
            let value = typed(format!("NULLIF(current_setting({}, true), '')", literal(setting)));
            format!("{} {eq} {value}", t.qname)
        }
    }
}

pub const ISOLATION: &str = "rls_fixer_tenant_isolation";
pub const FLOOR: &str = "rls_fixer_tenant_floor";

/// `base`, or `base_2`, `base_3`, … when the table already has a policy of that name.
pub fn policy_name(base: &str, r: &Relation, ix: &Index) -> String {
    let taken: Vec<&str> = ix.policies_of(r.oid).iter().map(|p| p.name.as_str()).collect();
    if !taken.contains(&base) {
        return base.to_string();
    }
    (2..).map(|i| format!("{base}_{i}")).find(|n| !taken.contains(&n.as_str())).unwrap()
}

/// A generated policy with an exact name (rls_fix replacing one of its own in another form).
pub fn policy_named(r: &Relation, form: &Form, name: &str, restrictive: bool) -> String {
    policy_on(&r.qname, r.tenant.as_ref().expect("tenant table"), form, name, restrictive)
}

/// `CREATE POLICY name ON table … USING (predicate) WITH CHECK (predicate)`.
pub fn policy_on(table: &str, t: &TenantColumn, form: &Form, name: &str, restrictive: bool) -> String {
    let p = predicate(t, form);
    let kind = if restrictive { "RESTRICTIVE" } else { "PERMISSIVE" };
    format!("CREATE POLICY {} ON {table} AS {kind} FOR ALL TO PUBLIC USING ({p}) WITH CHECK ({p})", ident(name))
}

fn policy(r: &Relation, ix: &Index, form: &Form, base: &str, kind: &str) -> String {
    let t = r.tenant.as_ref().expect("tenant table");
    let p = predicate(t, form);
    format!(
        "CREATE POLICY {} ON {} AS {kind} FOR ALL TO PUBLIC USING ({p}) WITH CHECK ({p})",
        ident(&policy_name(base, r, ix)),
        r.qname
    )
}

pub fn isolation_policy(r: &Relation, ix: &Index, form: &Form) -> String {
    policy(r, ix, form, ISOLATION, "PERMISSIVE")
}

pub fn floor_policy(r: &Relation, ix: &Index, form: &Form) -> String {
    policy(r, ix, form, FLOOR, "RESTRICTIVE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_statements_respects_quotes() {
        assert_eq!(
            split_statements("ALTER TABLE t ENABLE ROW LEVEL SECURITY"),
            vec!["ALTER TABLE t ENABLE ROW LEVEL SECURITY"]
        );
        assert_eq!(
            split_statements(r#"DROP POLICY p ON "a; b"."c;"; CREATE POLICY p ON "a; b"."c;" USING (x = 'y;''z')"#),
            vec![r#"DROP POLICY p ON "a; b"."c;""#, r#"CREATE POLICY p ON "a; b"."c;" USING (x = 'y;''z')"#]
        );
        assert_eq!(split_statements(r#"DROP POLICY "p"";x" ON t;"#), vec![r#"DROP POLICY "p"";x" ON t"#]);
        assert_eq!(split_statements(&format!("SELECT {}; SELECT 2", literal("a\\';b"))).len(), 2);
    }
}
