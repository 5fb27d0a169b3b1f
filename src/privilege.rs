//! Whose rights code runs with. Two switches, both restored when `f` returns or unwinds (an
//! aborted (sub)transaction restores them too):
//!
//! - [`as_extension_owner`]: the extension's own writes to its history tables, which no other
//!   role may write (admins only read them). Runs only our fixed INSERT/UPDATE statements.
//! - [`as_role_restricted`]: code that touches user tables on behalf of `rls_verify`, run as a
//!   non-superuser role inside a *security-restricted operation*, the way PostgreSQL runs
//!   VACUUM/ANALYZE index expressions as the table owner (CVE-2022-1552): `SET ROLE`,
//!   `RESET ROLE` and `SET SESSION AUTHORIZATION` fail inside, temporary objects cannot be
//!   created, so a trigger, DEFAULT or index expression cannot climb back to the superuser.

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::error::{raise, spi_err};

/// Is the current user a superuser?
pub fn is_superuser() -> bool {
    unsafe { pg_sys::superuser() }
}

/// Is `role` a superuser?
pub fn role_is_superuser(role: pg_sys::Oid) -> bool {
    unsafe { pg_sys::superuser_arg(role) }
}

struct Restore {
    user: pg_sys::Oid,
    sec: i32,
}

impl Drop for Restore {
    fn drop(&mut self) {
        unsafe { pg_sys::SetUserIdAndSecContext(self.user, self.sec) };
    }
}

fn switch(role: pg_sys::Oid, extra: u32) -> Restore {
    let mut user = pg_sys::InvalidOid;
    let mut sec: i32 = 0;
    unsafe {
        pg_sys::GetUserIdAndSecContext(&mut user, &mut sec);
        pg_sys::SetUserIdAndSecContext(role, sec | extra as i32);
    }
    Restore { user, sec }
}

/// The role that owns the extension (a superuser: the control file says `superuser = true`).
pub fn extension_owner() -> pg_sys::Oid {
    let owner = Spi::connect(|c| {
        c.select("SELECT extowner FROM pg_catalog.pg_extension WHERE extname = 'rls_fixer'", None, &[])?
            .first()
            .get_one::<pg_sys::Oid>()
    })
    .unwrap_or_else(|e| spi_err("reading the extension owner", e));
    owner.unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            "rls_fixer: the extension rls_fixer is not installed".into(),
            None,
        )
    })
}

/// Run `f` as the extension owner: for the extension's own history writes only.
pub fn as_extension_owner<R>(f: impl FnOnce() -> R) -> R {
    let owner = extension_owner();
    let _restore = switch(owner, pg_sys::SECURITY_LOCAL_USERID_CHANGE);
    f()
}

/// Run `f` as `role` (never a superuser: the caller checks) in a security-restricted
/// operation.
pub fn as_role_restricted<R>(role: pg_sys::Oid, f: impl FnOnce() -> R) -> R {
    debug_assert!(!role_is_superuser(role), "restricted code never runs as a superuser");
    let _restore = switch(role, pg_sys::SECURITY_LOCAL_USERID_CHANGE | pg_sys::SECURITY_RESTRICTED_OPERATION);
    f()
}

/// Run `f` with `search_path = pg_catalog, pg_temp` and `jit = off`, restored afterwards (on an
/// error, by the transaction's or subtransaction's abort): what a `SET` clause on the function
/// gives, for set-returning functions, where PostgreSQL would apply a `SET` clause again for
/// every row returned.
pub fn pinned<R>(f: impl FnOnce() -> R) -> R {
    unsafe {
        let level = pg_sys::NewGUCNestLevel();
        for (name, value) in [(c"search_path", c"pg_catalog, pg_temp"), (c"jit", c"off")] {
            pg_sys::set_config_option(
                name.as_ptr(),
                value.as_ptr(),
                pg_sys::GucContext::PGC_USERSET,
                pg_sys::GucSource::PGC_S_SESSION,
                pg_sys::GucAction::GUC_ACTION_SAVE,
                true,
                0,
                false,
            );
        }
        let r = f();
        pg_sys::AtEOXact_GUC(true, level);
        r
    }
}
