//! Waivers' SQL face: `rls_fixer.waive()` / `rls_fixer.unwaive()` (superusers and admin roles)
//! and reading `rls_fixer.waiver` for the audit. Matching is pure: `checks::waivers`.
//! The table is written only here, as the extension owner (admins read it), with who and when.

use pgrx::prelude::*;
use pgrx::search_path;

use crate::checks::{Check, Waiver};
use crate::error::{raise, spi_err};
use crate::privilege::as_extension_owner;

const LOAD: &str = "SELECT check_name, object_name, reason, expires::text, waived_by::text,
        pg_catalog.to_char(waived_at, 'YYYY-MM-DD'),
        coalesce(expires <= CURRENT_DATE, false)
   FROM rls_fixer.waiver ORDER BY check_name, object_name";

/// Every waiver (read as the extension owner: the table is closed to other roles). None while
/// the table does not exist: a 0.1.0 installation whose library was replaced before
/// `ALTER EXTENSION rls_fixer UPDATE` still audits.
pub fn load() -> Vec<Waiver> {
    as_extension_owner(|| {
        Spi::connect(|c| {
            let mut out = Vec::new();
            let present = c
                .select("SELECT pg_catalog.to_regclass('rls_fixer.waiver') IS NOT NULL", None, &[])?
                .first()
                .get_one::<bool>()?
                .unwrap_or(false);
            if !present {
                return Ok(out);
            }
            for row in c.select(LOAD, None, &[])? {
                out.push(Waiver {
                    check_name: row.get::<String>(1)?.unwrap_or_default(),
                    object_name: row.get::<String>(2)?.unwrap_or_default(),
                    reason: row.get::<String>(3)?.unwrap_or_default(),
                    expires: row.get::<String>(4)?,
                    waived_by: row.get::<String>(5)?.unwrap_or_default(),
                    waived_at: row.get::<String>(6)?.unwrap_or_default(),
                    expired: row.get::<bool>(7)?.unwrap_or(false),
                });
            }
            Ok::<_, pgrx::spi::SpiError>(out)
        })
    })
    .unwrap_or_else(|e| spi_err("reading rls_fixer.waiver", e))
}

fn invalid(msg: String, hint: Option<String>) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, msg, hint)
}

/// Accept a finding after review: `check_name` on `object_name` (as `rls_audit()` prints it)
/// leaves the error/warning counts and `rls_fix`'s plan until `expires` (the date it lapses on;
/// NULL: never). Replaces an existing waiver of the same finding. Returns true when a current
/// finding matches (false: it is kept for when the finding appears, with a NOTICE).
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
pub fn waive(
    check_name: &str,
    object_name: &str,
    reason: &str,
    expires: default!(Option<pgrx::datum::Date>, "NULL"),
) -> bool {
    if Check::named(check_name).is_none() {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            format!("rls_fixer.waive: there is no check named {check_name:?}"),
            Some("The check_name column of rls_audit() names the checks.".into()),
        );
    }
    if check_name == "waiver_unmatched" {
        invalid(
            "rls_fixer.waive: waiver_unmatched cannot be waived".into(),
            Some("Remove the stale waiver with rls_fixer.unwaive(), as its fix_sql says.".into()),
        );
    }
    if object_name.trim().is_empty() {
        invalid("rls_fixer.waive: object_name is empty".into(), Some("Use the object_name rls_audit() prints.".into()));
    }
    if reason.trim().is_empty() {
        invalid(
            "rls_fixer.waive: a waiver needs a reason".into(),
            Some("Say why the finding is accepted, e.g. 'reporting view, read by the BI role only'.".into()),
        );
    }
    let lapsed = match expires {
        Some(d) => Spi::get_one_with_args::<bool>("SELECT $1 <= CURRENT_DATE", &[d.into()])
            .unwrap_or_else(|e| spi_err("checking the expiry", e))
            .unwrap_or(false),
        None => false,
    };
    if lapsed {
        invalid(
            format!(
                "rls_fixer.waive: expires ({}) is not in the future",
                expires.map(|d| d.to_string()).unwrap_or_default()
            ),
            Some("A waiver lapses on its expiry date; give a later date, or NULL for none.".into()),
        );
    }
    // who: the calling role (before the switch to the extension owner)
    let by = Spi::get_one::<String>("SELECT current_user::text")
        .unwrap_or_else(|e| spi_err("reading current_user", e))
        .unwrap_or_default();
    as_extension_owner(|| {
        Spi::connect_mut(|c| {
            c.update(
                "INSERT INTO rls_fixer.waiver (check_name, object_name, reason, expires, waived_by) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (check_name, object_name) DO UPDATE
                    SET reason = excluded.reason, expires = excluded.expires,
                        waived_by = excluded.waived_by, waived_at = pg_catalog.clock_timestamp()",
                None,
                &[check_name.into(), object_name.into(), reason.into(), expires.into(), by.as_str().into()],
            )
            .map(|_| ())
        })
    })
    .unwrap_or_else(|e| spi_err("storing the waiver", e));
    let findings = crate::prepare::with_ctx(|_, _, ctx| crate::checks::run_all(ctx));
    let matches = findings.iter().any(|f| f.check_name == check_name && f.object_name == object_name);
    if !matches {
        pgrx::notice!(
            "rls_fixer.waive: no current finding of {check_name} on {object_name}; the waiver is kept and applies when it appears (rls_audit() reports it as waiver_unmatched until then)"
        );
    }
    matches
}

/// Remove a waiver; true when there was one.
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
pub fn unwaive(check_name: &str, object_name: &str) -> bool {
    as_extension_owner(|| {
        Spi::connect_mut(|c| {
            c.update(
                "DELETE FROM rls_fixer.waiver WHERE check_name = $1 AND object_name = $2",
                None,
                &[check_name.into(), object_name.into()],
            )
            .map(|t| !t.is_empty())
        })
    })
    .unwrap_or_else(|e| spi_err("removing the waiver", e))
}
