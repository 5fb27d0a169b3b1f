//! The checks: pure functions over a [`Snapshot`](crate::snapshot::Snapshot). Each finds one
//! kind of weakness and returns one [`Finding`] per weak object. No PostgreSQL here:
//! unit-tested with `cargo test`.
//!
//! [`REGISTRY`] is the one list of checks: its order is the order they run in, and the SQL
//! output, the SARIF rules, the planner (through [`Fix`]) and the README table are derived
//! from it.

use serde::Serialize;

mod citus;
#[cfg(test)]
mod citus_tests;
mod constraints;
mod context;
mod objects;
mod policies;
mod roles;
mod server;
mod tables;
#[cfg(test)]
mod tests;
mod waivers;

pub use context::{detect_app_roles, expr_texts_needed, fill_expr_texts, Ctx, Part, PolicyInfo};
pub use objects::{owner_objects, OwnerObject};
pub use waivers::{apply as apply_waivers, Waived, Waiver};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a finding is about, for the planner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Relation(crate::snapshot::Oid),
    Role(crate::snapshot::Oid),
    Other,
}

/// What `rls_fix` does about a finding. Checks declare it; the planner turns it into
/// statements (and their undo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    /// Reported for a human: `fix_sql` may suggest a statement, rls_fix never runs it.
    Manual,
    EnableRls,
    ForceRls,
    /// A permissive tenant policy for all commands.
    IsolationPolicy,
    /// A restrictive tenant policy for all commands, neutralising weaker permissive ones.
    FloorPolicy,
    /// ENABLE + FORCE on a tenant table whose policies are dormant.
    EnableAndForce,
    /// Whatever a partition or inheritance child lacks: tenant policy, ENABLE, FORCE.
    CloseGaps,
    SecurityInvoker,
    NoBypassRls,
    /// The extension's own policy, rebuilt in the configured form (same name).
    RegeneratePolicy,
}

/// One check: its identity, what it finds, what rls_fix does about it, and its function.
pub struct Check {
    pub name: &'static str,
    /// The severity of its findings ("error/warning" when it depends on the object).
    pub severity: &'static str,
    /// One line: the README table and the SARIF rule's description.
    pub finds: &'static str,
    pub fix: Fix,
    pub run: fn(&Ctx, &mut Vec<Finding>),
}

impl Check {
    /// The check's registry entry by name (names are unique; a test asserts it).
    pub fn named(name: &str) -> Option<&'static Check> {
        REGISTRY.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub check_name: &'static str,
    pub severity: Severity,
    pub object_type: &'static str,
    pub object_name: String,
    pub detail: String,
    pub fix_sql: Option<String>,
    #[serde(skip)]
    pub target: Target,
    /// What rls_fix does: the check's [`Fix`], or `Manual` where this object cannot be fixed
    /// automatically.
    #[serde(skip)]
    pub fix: Fix,
}

/// Every check, in the order they run.
pub static REGISTRY: &[Check] = &[
    Check {
        name: "rls_disabled",
        severity: "error",
        finds: "tenant table without ENABLE ROW LEVEL SECURITY: every role with table privileges sees every tenant",
        fix: Fix::EnableRls,
        run: tables::rls_disabled,
    },
    Check {
        name: "rls_not_forced",
        severity: "error",
        finds: "tenant table without FORCE ROW LEVEL SECURITY: its owner bypasses the policies",
        fix: Fix::ForceRls,
        run: tables::rls_not_forced,
    },
    Check {
        name: "tenant_policy_missing",
        severity: "error",
        finds: "no permissive policy pins the tenant column to the tenant setting for every command",
        fix: Fix::IsolationPolicy,
        run: tables::tenant_policy_missing,
    },
    Check {
        name: "policy_without_rls",
        severity: "error",
        finds: "policies exist but row-level security is off, so they are dormant",
        fix: Fix::EnableAndForce,
        run: tables::policy_without_rls,
    },
    Check {
        name: "permissive_policy_unscoped",
        severity: "error",
        finds: "a permissive policy not restricted to the tenant (e.g. USING (true)) is OR'd with the tenant policy, with no restrictive tenant floor",
        fix: Fix::FloorPolicy,
        run: policies::permissive_policy_unscoped,
    },
    Check {
        name: "policy_fail_open",
        severity: "error",
        finds: "a policy admits rows when the tenant setting is unset or empty (IS NULL OR ..., COALESCE tricks)",
        fix: Fix::FloorPolicy,
        run: policies::policy_fail_open,
    },
    Check {
        name: "write_check_missing",
        severity: "error",
        finds: "the INSERT path is not checked by tenant (INSERT WITH CHECK (true), a missing WITH CHECK)",
        fix: Fix::FloorPolicy,
        run: policies::write_check_missing,
    },
    Check {
        name: "update_moves_tenant",
        severity: "error",
        finds: "a policy covering UPDATE pins the tenant in USING but not in WITH CHECK: a row can be moved into another tenant",
        fix: Fix::FloorPolicy,
        run: policies::update_moves_tenant,
    },
    Check {
        name: "policy_reads_writable_table",
        severity: "error",
        finds: "a policy decides access from a table the app role can write (tenant membership forgeable)",
        fix: Fix::Manual,
        run: policies::policy_reads_writable_table,
    },
    Check {
        name: "policy_reads_unprotected_table",
        severity: "warning",
        finds: "a policy reads a table without RLS that the app role can read in full",
        fix: Fix::Manual,
        run: policies::policy_reads_unprotected_table,
    },
    Check {
        name: "policy_recursion",
        severity: "error",
        finds: "policies read each other's tables in a cycle: queries fail with infinite recursion (42P17)",
        fix: Fix::Manual,
        run: policies::policy_recursion,
    },
    Check {
        name: "policy_function_misdeclared",
        severity: "error",
        finds: "a policy calls a function declared IMMUTABLE or LEAKPROOF that reads session state (cached plans can leak across tenants)",
        fix: Fix::Manual,
        run: objects::policy_function_misdeclared,
    },
    Check {
        name: "policy_setting_mismatch",
        severity: "warning",
        finds: "a policy reads a different setting than rls_fixer.tenant_setting",
        fix: Fix::Manual,
        run: policies::policy_setting_mismatch,
    },
    Check {
        name: "tenant_context_spoofable",
        severity: "warning",
        finds: "tenant policies read a setting any role can SET (setting mode): the app role, or an SQL injection, can switch tenants",
        fix: Fix::Manual,
        run: policies::tenant_context_spoofable,
    },
    Check {
        name: "generated_policy_outdated",
        severity: "warning",
        finds: "a policy rls_fix generated reads the tenant in another mode's form (or an old setting): replaced by the configured form",
        fix: Fix::RegeneratePolicy,
        run: policies::generated_policy_outdated,
    },
    Check {
        name: "policy_not_sargable",
        severity: "warning",
        finds: "the tenant column is wrapped in a cast or function, or the policy calls a volatile function: no index use",
        fix: Fix::Manual,
        run: policies::policy_not_sargable,
    },
    Check {
        name: "policy_errors_without_tenant",
        severity: "warning",
        finds: "a policy raises an error instead of returning no rows when the tenant setting is unset or empty (e.g. ''::uuid)",
        fix: Fix::Manual,
        run: policies::policy_errors_without_tenant,
    },
    Check {
        name: "tenant_index_missing",
        severity: "warning",
        finds: "no index leads with the tenant column",
        fix: Fix::Manual,
        run: tables::tenant_index_missing,
    },
    Check {
        name: "tenant_column_nullable",
        severity: "warning",
        finds: "the tenant column allows NULL: such rows belong to no tenant",
        fix: Fix::Manual,
        run: tables::tenant_column_nullable,
    },
    Check {
        name: "partition_unprotected",
        severity: "error",
        finds: "a partition of a tenant table lacks its own RLS, FORCE or tenant policy; querying it directly skips the parent's",
        fix: Fix::CloseGaps,
        run: tables::partition_unprotected,
    },
    Check {
        name: "inheritance_child_unprotected",
        severity: "error",
        finds: "an inheritance child of a tenant table lacks its own RLS, FORCE or tenant policy",
        fix: Fix::CloseGaps,
        run: tables::inheritance_child_unprotected,
    },
    Check {
        name: "view_bypasses_rls",
        severity: "error",
        finds: "a view over a tenant table runs with its owner's rights (no security_invoker)",
        fix: Fix::SecurityInvoker,
        run: objects::view_bypasses_rls,
    },
    Check {
        name: "matview_exposes_tenant_data",
        severity: "error",
        finds: "a materialized view over a tenant table is readable by an app role: its stored rows have no RLS",
        fix: Fix::Manual,
        run: objects::matview_exposes_tenant_data,
    },
    Check {
        name: "force_affects_owner_objects",
        severity: "warning",
        finds: "FORCE subjects a tenant table's owner to its policies: materialized views, views and SECURITY DEFINER functions that owner owns now see one tenant's rows (none without a tenant), and pg_restore's REFRESH fails",
        fix: Fix::Manual,
        run: objects::force_affects_owner_objects,
    },
    Check {
        name: "security_definer_trigger",
        severity: "warning",
        finds: "a trigger on a tenant table calls a SECURITY DEFINER function: it runs as the function's owner on every write",
        fix: Fix::Manual,
        run: objects::security_definer_trigger,
    },
    Check {
        name: "security_definer_function",
        severity: "warning",
        finds: "a SECURITY DEFINER function reading tenant tables is executable by an app role",
        fix: Fix::Manual,
        run: objects::security_definer_function,
    },
    Check {
        name: "function_search_path_mutable",
        severity: "warning",
        finds: "a SECURITY DEFINER function whose search_path is not pinned with pg_temp last can be hijacked",
        fix: Fix::Manual,
        run: objects::function_search_path_mutable,
    },
    Check {
        name: "tenant_table_public_grant",
        severity: "warning",
        finds: "a tenant table grants privileges to PUBLIC: every role, present and future, can use it",
        fix: Fix::Manual,
        run: tables::tenant_table_public_grant,
    },
    Check {
        name: "tenant_table_truncate",
        severity: "error",
        finds: "an app role holds TRUNCATE on a tenant table (by a grant, a group or PUBLIC): TRUNCATE ignores RLS and empties every tenant's rows",
        fix: Fix::Manual,
        run: tables::tenant_table_truncate,
    },
    Check {
        name: "default_privileges_public",
        severity: "warning",
        finds: "default privileges grant new tables to PUBLIC",
        fix: Fix::Manual,
        run: objects::default_privileges_public,
    },
    Check {
        name: "tenant_table_rule",
        severity: "warning",
        finds: "a rule on a tenant table: its actions run with the table owner's rights",
        fix: Fix::Manual,
        run: tables::tenant_table_rule,
    },
    Check {
        name: "tenant_table_published",
        severity: "warning",
        finds: "a tenant table is in a publication: logical replication copies every tenant's rows",
        fix: Fix::Manual,
        run: tables::tenant_table_published,
    },
    Check {
        name: "foreign_tenant_table",
        severity: "warning",
        finds: "a foreign table with the tenant column: RLS cannot protect it",
        fix: Fix::Manual,
        run: tables::foreign_tenant_table,
    },
    // Citus (checks/citus.rs): only with the citus extension installed
    Check {
        name: "citus_distributed_by_other_column",
        severity: "warning",
        finds: "a tenant table distributed by another column: every tenant's rows on every shard, no single-shard plans",
        fix: Fix::Manual,
        run: citus::citus_distributed_by_other_column,
    },
    Check {
        name: "citus_reference_tenant_table",
        severity: "warning",
        finds: "a Citus reference table with the tenant column: every node holds every tenant's rows",
        fix: Fix::Manual,
        run: citus::citus_reference_tenant_table,
    },
    Check {
        name: "citus_shard_rls_mismatch",
        severity: "error/warning",
        finds: "shards whose RLS, FORCE or policies differ from their table's (error), or a node whose shards could not be read (warning)",
        fix: Fix::Manual,
        run: citus::citus_shard_rls_mismatch,
    },
    Check {
        name: "citus_context_unreachable",
        severity: "error/warning",
        finds: "a tenant context the workers never see: a Citus table's policy reads the protected tenant (error); app roles whose own SET LOCAL is not propagated (warning)",
        fix: Fix::Manual,
        run: citus::citus_context_unreachable,
    },
    Check {
        name: "role_superuser",
        severity: "error",
        finds: "an app role is superuser and bypasses every policy",
        fix: Fix::Manual,
        run: roles::role_superuser,
    },
    Check {
        name: "role_bypassrls",
        severity: "error",
        finds: "an app role has BYPASSRLS",
        fix: Fix::NoBypassRls,
        run: roles::role_bypassrls,
    },
    Check {
        name: "role_can_assume_bypass",
        severity: "error",
        finds: "an app role can SET ROLE into a superuser, BYPASSRLS or tenant-table-owner role",
        fix: Fix::Manual,
        run: roles::role_can_assume_bypass,
    },
    Check {
        name: "role_owns_tenant_table",
        severity: "error/warning",
        finds: "an app role owns a tenant table (error without FORCE, warning with)",
        fix: Fix::Manual,
        run: roles::role_owns_tenant_table,
    },
    Check {
        name: "role_row_security_off",
        severity: "warning",
        finds: "an app role has row_security = off in its settings",
        fix: Fix::Manual,
        run: roles::role_row_security_off,
    },
    Check {
        name: "unique_not_tenant_scoped",
        severity: "warning",
        finds: "a primary key, unique constraint or unique index on a tenant table without the tenant column as a key column: a cross-tenant existence oracle",
        fix: Fix::Manual,
        run: constraints::unique_not_tenant_scoped,
    },
    Check {
        name: "foreign_key_not_tenant_scoped",
        severity: "warning",
        finds: "a foreign key into a tenant table without the tenant column can point at another tenant's row",
        fix: Fix::Manual,
        run: constraints::foreign_key_not_tenant_scoped,
    },
    Check {
        name: "server_version_vulnerable",
        severity: "warning",
        finds: "the server lacks the fix of an RLS-related CVE that its branch has (or never got): CVE-2023-2455, CVE-2023-39418, CVE-2024-10976, CVE-2025-8713, CVE-2026-14666",
        fix: Fix::Manual,
        run: server::server_version_vulnerable,
    },
    Check {
        name: "waiver_unmatched",
        severity: "warning",
        finds: "a waiver (rls_fixer.waive) matches no finding: its object is gone or fixed, and a new object under that name would be waived unseen",
        fix: Fix::Manual,
        run: waivers::after_all_checks,
    },
    Check {
        name: "table_skipped",
        severity: "info",
        finds: "a table without the tenant column: not managed",
        fix: Fix::Manual,
        run: tables::table_skipped,
    },
];

/// A finding of the named check, with the check's fix. Panics (in tests) on a name that is
/// not in the registry: a check function always names itself.
pub(crate) fn finding(
    check: &'static str,
    severity: Severity,
    object_type: &'static str,
    object_name: String,
    detail: String,
    fix_sql: Option<String>,
    target: Target,
) -> Finding {
    let fix = Check::named(check).map(|c| c.fix).unwrap_or(Fix::Manual);
    debug_assert!(Check::named(check).is_some(), "check {check} is not in the registry");
    Finding { check_name: check, severity, object_type, object_name, detail, fix_sql, target, fix }
}

/// Run every check of the registry; findings ordered errors first, then by object.
pub fn run_all(c: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in REGISTRY {
        crate::timing::phase(check.name, || (check.run)(c, &mut out));
    }
    crate::timing::phase("sort", || sort_findings(&mut out));
    out
}

pub fn sort_findings(v: &mut [Finding]) {
    v.sort_by(|a, b| (a.severity, &a.object_name, a.check_name).cmp(&(b.severity, &b.object_name, b.check_name)));
}
