//! The tenant context API applications call on every request. Tiny and fast: no SPI on the
//! per-request path, just validation and PostgreSQL's own `set_config_option` (what
//! `set_config()` runs).
//!
//! Two modes (`rls_fixer.context_mode`): `setting` sets the configured setting
//! (`app.current_tenant_id`), which any role can also `SET`; `protected` sets in addition the
//! superuser-only `rls_fixer.tenant` that generated policies read ([`protected`]). With a
//! context key set, non-superusers must prove the tenant with a signed token ([`signed`]).

pub mod citus;
pub mod protected;
pub mod signed;

use std::ffi::{CStr, CString};

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::config::{self, ContextMode, TenantIdFormat, CONTEXT_MODE};
use crate::error::raise;
use crate::privilege::is_superuser;

/// Why a tenant id is refused (SQLSTATE 22023), or Ok.
pub fn validate_tenant_id(id: &str, format: TenantIdFormat) -> Result<(), String> {
    if id.is_empty() {
        return Err("tenant id is empty".into());
    }
    if id.trim().is_empty() {
        return Err("tenant id is blank (whitespace only)".into());
    }
    if id.len() > 255 {
        return Err(format!("tenant id is {} bytes long; at most 255 bytes are allowed", id.len()));
    }
    for (i, c) in id.char_indices() {
        let what = if c.is_control() {
            Some(format!("a control character (U+{:04X})", c as u32))
        } else if c.is_whitespace() {
            Some("whitespace".to_string())
        } else if matches!(c, '\'' | '"' | '`') {
            Some(format!("a quote ({c})"))
        } else if c == '\\' {
            Some("a backslash".to_string())
        } else if c == ';' {
            Some("a semicolon".to_string())
        } else {
            None
        };
        if let Some(w) = what {
            return Err(format!("tenant id contains {w} at byte {i}"));
        }
    }
    match format {
        TenantIdFormat::Any => Ok(()),
        TenantIdFormat::Uuid => {
            let b = id.as_bytes();
            let ok = b.len() == 36
                && b.iter().enumerate().all(|(i, c)| {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        *c == b'-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                });
            if ok {
                Ok(())
            } else {
                Err(format!("tenant id '{id}' is not a UUID (rls_fixer.tenant_id_format = uuid)"))
            }
        }
        TenantIdFormat::Integer => {
            if id.parse::<i64>().is_ok() {
                Ok(())
            } else {
                Err(format!("tenant id '{id}' is not an integer (rls_fixer.tenant_id_format = integer)"))
            }
        }
    }
}

thread_local! {
    /// The last validated `rls_fixer.tenant_setting`: per-request calls skip re-validating it.
    static SETTING: std::cell::RefCell<CString> = std::cell::RefCell::new(CString::default());
    /// Reused buffer for the NUL-terminated tenant id.
    static VALUE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Run `f` with the validated tenant setting name (raising 22023 if the GUC is invalid).
fn with_setting<R>(f: impl FnOnce(&CStr) -> R) -> R {
    let raw = unsafe { pg_sys::GetConfigOption(c"rls_fixer.tenant_setting".as_ptr(), true, false) };
    let current = if raw.is_null() { c"app.current_tenant_id" } else { unsafe { CStr::from_ptr(raw) } };
    SETTING.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.as_c_str() != current {
            let valid = current.to_str().is_ok_and(config::valid_setting_name);
            if !valid {
                drop(cache);
                match config::tenant_setting_cstr() {
                    Ok(_) => unreachable!("validated twice differently"),
                    Err(e) => raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, e.message, None),
                }
            }
            *cache = current.to_owned();
        }
        f(cache.as_c_str())
    })
}

/// Set (or clear, with "") the tenant: the configured setting (hand-written policies and
/// application code may read it) and the protected tenant (protected-mode policies read it).
fn set(value: &CStr, is_local: bool) {
    if is_local && !unsafe { pg_sys::IsTransactionBlock() } {
        raise(
            PgSqlErrorCode::ERRCODE_NO_ACTIVE_SQL_TRANSACTION,
            "is_local => true needs a transaction block: outside one the tenant context would vanish at the end of this statement".into(),
            Some("Call it after BEGIN (or inside Django's transaction.atomic()), or use the session form with clear_tenant_context() at the end of the request.".into()),
        );
    }
    if citus::active() {
        // the workers see only a propagated SET LOCAL (tenant/citus.rs)
        if is_local {
            with_setting(|name| citus::set_local_propagated(name, value));
            protected::set(value, true);
            return;
        }
        if !value.is_empty() {
            citus::refuse_session_form();
        }
        if unsafe { pg_sys::IsTransactionBlock() } {
            // clearing: also for the rest of this transaction on the workers
            with_setting(|name| citus::set_local_propagated(name, value));
        }
    }
    let action = if is_local { pg_sys::GucAction::GUC_ACTION_LOCAL } else { pg_sys::GucAction::GUC_ACTION_SET };
    with_setting(|name| unsafe {
        pg_sys::set_config_option(
            name.as_ptr(),
            value.as_ptr(),
            pg_sys::GucContext::PGC_USERSET,
            pg_sys::GucSource::PGC_S_SESSION,
            action,
            true,
            0,
            false,
        );
    });
    // always, whatever the mode: policies rls_fix generated in protected mode see the tenant
    // even in sessions where rls_fixer.context_mode is not set
    protected::set(value, is_local);
}

/// `set_tenant_context(tenant_id)`: the session form. A separate overload rather than a DEFAULT
/// on `is_local`: resolving a call that relies on a default costs ~8% of a per-request
/// round trip (BENCHMARKS.md, context call).
#[pg_extern(volatile, parallel_unsafe, name = "set_tenant_context")]
pub fn set_tenant_context_session(tenant_id: Option<&str>) -> String {
    set_tenant_context(tenant_id, false)
}

/// Set the tenant for this session (or, with `is_local`, this transaction). Returns the id.
/// While a context key is set, non-superusers must use `set_tenant_context_signed` instead.
#[pg_extern(volatile, parallel_unsafe)]
pub fn set_tenant_context(tenant_id: Option<&str>, is_local: bool) -> String {
    if !is_superuser() && signed::key_required() {
        raise(
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            "set_tenant_context: this database requires signed tenant contexts".into(),
            Some("Call set_tenant_context_signed(token) with a token your application signs with the context key (see the README, \"Signed contexts\").".into()),
        );
    }
    set_checked(tenant_id, is_local)
}

/// Validate and set: the common path of the plain and the signed forms.
fn set_checked(tenant_id: Option<&str>, is_local: bool) -> String {
    let Some(id) = tenant_id else {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            "tenant id is NULL".into(),
            Some("Use clear_tenant_context() to remove the tenant context.".into()),
        );
    };
    if let Err(msg) = validate_tenant_id(id, config::TENANT_ID_FORMAT.get()) {
        raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, msg, None);
    }
    VALUE.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        buf.extend_from_slice(id.as_bytes());
        buf.push(0);
        let value = CStr::from_bytes_with_nul(&buf).expect("validated: no NUL inside");
        set(value, is_local);
    });
    id.to_string()
}

/// `set_tenant_context_signed(token)`: the session form of the signed call.
#[pg_extern(volatile, parallel_unsafe, name = "set_tenant_context_signed")]
pub fn set_tenant_context_signed_session(token: &str) -> String {
    set_tenant_context_signed(token, false)
}

/// Set the tenant a signed token carries (see `signed` for the format): refused, with the
/// context unchanged, when the token is altered, signed with another key, malformed or expired.
#[pg_extern(volatile, parallel_unsafe)]
pub fn set_tenant_context_signed(token: &str, is_local: bool) -> String {
    let tenant = signed::verify_or_raise(token);
    set_checked(Some(&tenant), is_local)
}

/// Clear the tenant (to ''), so tenant policies match no row.
#[pg_extern(volatile, parallel_unsafe)]
pub fn clear_tenant_context(is_local: bool) {
    set(c"", is_local);
}

/// `clear_tenant_context()`: the session form (an overload, like `set_tenant_context`).
#[pg_extern(volatile, parallel_unsafe, name = "clear_tenant_context")]
pub fn clear_tenant_context_session() {
    set(c"", false);
}

/// The tenant in force, or NULL when unset or cleared (in protected mode: the protected one).
#[pg_extern(stable, parallel_safe)]
pub fn current_tenant_id() -> Option<String> {
    if CONTEXT_MODE.get() == ContextMode::Protected {
        return protected::current();
    }
    let v = with_setting(|name| unsafe { pg_sys::GetConfigOption(name.as_ptr(), true, false) });
    if v.is_null() {
        return None;
    }
    let s = unsafe { CStr::from_ptr(v) }.to_string_lossy().into_owned();
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids() {
        for id in ["tenant1", "acme-corp", "42", "ÄÖÜ_tenant", "a.b:c/d"] {
            assert_eq!(validate_tenant_id(id, TenantIdFormat::Any), Ok(()), "{id}");
        }
    }

    #[test]
    fn rejects_bad_ids() {
        let cases = [
            ("", "empty"),
            ("   ", "blank"),
            ("a b", "whitespace"),
            ("a\tb", "control character"),
            ("a'b", "quote"),
            ("a\"b", "quote"),
            ("a\\b", "backslash"),
            ("a;b", "semicolon"),
        ];
        for (id, word) in cases {
            let e = validate_tenant_id(id, TenantIdFormat::Any).unwrap_err();
            assert!(e.contains(word), "{id:?}: {e}");
        }
        let long = "x".repeat(256);
        assert!(validate_tenant_id(&long, TenantIdFormat::Any).unwrap_err().contains("256 bytes"));
        assert!(validate_tenant_id(&"x".repeat(255), TenantIdFormat::Any).is_ok());
    }

    #[test]
    fn formats() {
        assert!(validate_tenant_id("6f1c2b9e-8d3a-4c5b-9e7f-0a1b2c3d4e5f", TenantIdFormat::Uuid).is_ok());
        assert!(validate_tenant_id("tenant1", TenantIdFormat::Uuid).unwrap_err().contains("not a UUID"));
        assert!(validate_tenant_id("6f1c2b9e8d3a-4c5b-9e7f-0a1b2c3d4e5f0", TenantIdFormat::Uuid).is_err());
        assert!(validate_tenant_id("-17", TenantIdFormat::Integer).is_ok());
        assert!(validate_tenant_id("17a", TenantIdFormat::Integer).unwrap_err().contains("not an integer"));
    }
}
