//! Errors with precise SQLSTATEs: every user-facing error of the extension goes through here.

use pgrx::prelude::*;

/// Raise an ERROR with a precise SQLSTATE and an optional hint.
pub fn raise(code: PgSqlErrorCode, message: String, hint: Option<String>) -> ! {
    let mut r = pgrx::pg_sys::panic::ErrorReport::new(code, message, "rls_fixer");
    if let Some(h) = hint {
        r = r.set_hint(h);
    }
    r.report(PgLogLevel::ERROR);
    unreachable!("ERROR does not return")
}

/// Raise an ERROR with a precise SQLSTATE, a detail and a hint.
pub fn raise_detail(code: PgSqlErrorCode, message: String, detail: String, hint: String) -> ! {
    pgrx::pg_sys::panic::ErrorReport::new(code, message, "rls_fixer")
        .set_detail(detail)
        .set_hint(hint)
        .report(PgLogLevel::ERROR);
    unreachable!("ERROR does not return")
}

/// A bad `rls_fixer.*` setting, reported with SQLSTATE 22023.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub guc: &'static str,
    pub message: String,
}

/// Raise a configuration error (SQLSTATE 22023) naming the setting.
pub fn raise_config(e: ConfigError) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        e.message,
        Some(format!("A superuser fixes it with SET {} = ... or ALTER DATABASE ... SET.", e.guc)),
    )
}

/// An SPI failure: an internal error (XX000) that says where it happened.
pub fn spi_err(what: &str, e: pgrx::spi::SpiError) -> ! {
    raise(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, format!("rls_fixer: {what}: {e}"), None)
}
