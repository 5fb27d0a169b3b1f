//! Signed tenant contexts: the application proves the tenant with a token its backend minted
//! with a key only it and the database know, so an SQL injection cannot switch tenants.
//!
//! Token format (version 1), all ASCII:
//!
//! ```text
//! v1.<tenant>.<exp>.<mac>
//!   tenant  base64url (RFC 4648 §5, no padding) of the tenant id's UTF-8 bytes
//!   exp     expiry, Unix seconds (decimal)
//!   mac     base64url, no padding, of HMAC-SHA256(key, "v1.<tenant>.<exp>")
//! ```
//!
//! Keys live in `rls_fixer.context_key`, a table only the extension owner can read (not
//! in `pg_settings`, not in `pg_db_role_setting`, not dumped). The backend caches them and drops
//! the cache when `set_context_key()` changes the table (a relcache invalidation).

use std::cell::RefCell;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::search_path;
use sha2::Sha256;

use crate::error::{raise, raise_detail};
use crate::privilege::{as_extension_owner, is_superuser};

type HmacSha256 = Hmac<Sha256>;

/// Shortest key accepted (bytes): 256 bits, the HMAC-SHA256 output size.
pub const MIN_KEY_BYTES: usize = 32;

/// One key: its bytes, and until when it stays valid (None: the current key).
#[derive(Clone)]
struct Key {
    bytes: Vec<u8>,
    retires_at: Option<f64>,
}

thread_local! {
    /// The keys (None: not loaded in this backend yet) and the key table's oid.
    static KEYS: RefCell<(Option<Vec<Key>>, pg_sys::Oid)> = const { RefCell::new((None, pg_sys::InvalidOid)) };
}

/// Registered in `_PG_init`: forget the cached keys when the key table changes.
pub fn init() {
    unsafe { pg_sys::CacheRegisterRelcacheCallback(Some(keys_changed), pg_sys::Datum::from(0usize)) };
}

#[pg_guard]
unsafe extern "C-unwind" fn keys_changed(_arg: pg_sys::Datum, relid: pg_sys::Oid) {
    KEYS.with(|k| {
        let mut k = k.borrow_mut();
        if relid == pg_sys::InvalidOid || relid == k.1 {
            k.0 = None;
        }
    });
}

const LOAD_KEYS: &str =
    "SELECT key, pg_catalog.date_part('epoch', retires_at) AS retires_at FROM rls_fixer.context_key";
const KEY_TABLE: &str = "SELECT pg_catalog.to_regclass('rls_fixer.context_key')::pg_catalog.oid";

/// The keys, loaded once per backend (as the extension owner: no other role can read them).
fn keys() -> Vec<Key> {
    if let Some(k) = KEYS.with(|k| k.borrow().0.clone()) {
        return k;
    }
    let (oid, loaded) = as_extension_owner(|| {
        Spi::connect(|c| {
            let oid: Option<pg_sys::Oid> = c.select(KEY_TABLE, None, &[])?.first().get_one::<pg_sys::Oid>()?;
            let Some(oid) = oid else { return Ok((pg_sys::InvalidOid, Vec::new())) };
            let mut out = Vec::new();
            for row in c.select(LOAD_KEYS, None, &[])? {
                if let Some(bytes) = row.get::<Vec<u8>>(1)? {
                    out.push(Key { bytes, retires_at: row.get::<f64>(2)? });
                }
            }
            Ok::<_, pgrx::spi::SpiError>((oid, out))
        })
    })
    .unwrap_or_else(|e| crate::error::spi_err("reading the context keys", e));
    KEYS.with(|k| *k.borrow_mut() = (Some(loaded.clone()), oid));
    loaded
}

/// Is a context key set (so non-superusers must present signed tokens)?
pub fn key_required() -> bool {
    !keys().is_empty()
}

fn now_unix() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

fn mac(key: &[u8], message: &str) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(message.as_bytes());
    m
}

/// Mint a token for `tenant`, valid until `exp` (Unix seconds).
pub fn sign(key: &[u8], tenant: &str, exp: i64) -> String {
    let message = format!("v1.{}.{exp}", URL_SAFE_NO_PAD.encode(tenant.as_bytes()));
    let sig = mac(key, &message).finalize().into_bytes();
    format!("{message}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Why a token is refused.
#[derive(Debug, PartialEq)]
pub enum TokenError {
    /// not a v1 token (SQLSTATE 22023)
    Malformed(String),
    /// no current or grace-period key made this signature (28000)
    BadSignature,
    /// expired at this Unix time (28000)
    Expired(i64),
}

/// Check a token against the keys valid at `now`; the tenant it carries.
fn verify_with(token: &str, keys: &[Key], now: f64) -> Result<String, TokenError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [version, tenant64, exp, sig64] = parts.as_slice() else {
        return Err(TokenError::Malformed(format!("expected 4 dot-separated parts, got {}", parts.len())));
    };
    if *version != "v1" {
        return Err(TokenError::Malformed(format!("unknown token version {version:?}")));
    }
    // canonical decimal only: no sign, no leading zero, so one expiry has exactly one spelling
    let canonical = !exp.is_empty()
        && exp.len() <= 18
        && exp.bytes().all(|b| b.is_ascii_digit())
        && (exp.len() == 1 || !exp.starts_with('0'));
    if !canonical {
        return Err(TokenError::Malformed("the expiry is not a decimal number of seconds".into()));
    }
    let exp_text = *exp;
    let exp: i64 = exp_text.parse().map_err(|_| TokenError::Malformed("the expiry is not a number".into()))?;
    let tenant = URL_SAFE_NO_PAD
        .decode(tenant64)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| TokenError::Malformed("the tenant part is not base64url UTF-8".into()))?;
    let sig =
        URL_SAFE_NO_PAD.decode(sig64).map_err(|_| TokenError::Malformed("the signature is not base64url".into()))?;
    // the MAC covers the text as received
    let message = format!("v1.{tenant64}.{exp_text}");
    let signed = keys
        .iter()
        .filter(|k| k.retires_at.is_none_or(|t| t > now))
        // verify_slice compares in constant time
        .any(|k| mac(&k.bytes, &message).verify_slice(&sig).is_ok());
    if !signed {
        return Err(TokenError::BadSignature);
    }
    if (exp as f64) < now {
        return Err(TokenError::Expired(exp));
    }
    Ok(tenant)
}

/// Check a token against the database's keys; raises on refusal, returns the tenant.
pub fn verify_or_raise(token: &str) -> String {
    let keys = keys();
    if keys.is_empty() {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            "set_tenant_context_signed: no context key is set in this database".into(),
            Some("A superuser sets one with SELECT rls_fixer.set_context_key(key) (at least 32 bytes).".into()),
        );
    }
    match verify_with(token, &keys, now_unix()) {
        Ok(t) => t,
        Err(TokenError::Malformed(why)) => raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("set_tenant_context_signed: malformed token: {why}"),
            Some(
                "A token is v1.<base64url tenant>.<expiry, Unix seconds>.<base64url HMAC-SHA256>; see the README."
                    .into(),
            ),
        ),
        Err(TokenError::BadSignature) => raise(
            PgSqlErrorCode::ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION,
            "set_tenant_context_signed: the token's signature does not match any context key".into(),
            Some("The token was altered, or signed with another key (or one retired past its grace period).".into()),
        ),
        Err(TokenError::Expired(exp)) => raise_detail(
            PgSqlErrorCode::ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION,
            "set_tenant_context_signed: the token has expired".into(),
            format!("It expired at {exp} (Unix time)."),
            "Mint a fresh token per request.".into(),
        ),
    }
}

fn require_superuser(what: &str) {
    if !is_superuser() {
        raise(PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE, format!("{what} must be run by a superuser"), None);
    }
}

/// The key tokens are signed with now; the current one (superusers only).
fn current_key() -> Vec<u8> {
    keys().into_iter().find(|k| k.retires_at.is_none()).map(|k| k.bytes).unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            "no context key is set in this database".into(),
            Some("SELECT rls_fixer.set_context_key(key) sets one.".into()),
        )
    })
}

/// Set the context key (superusers): from now on non-superusers must call
/// `set_tenant_context_signed()`. The previous key stays valid for `grace` (default 15 minutes,
/// longer than a token's default life), so tokens minted just before a rotation still work.
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
pub fn set_context_key(key: &[u8], grace: default!(pgrx::datum::Interval, "'15 minutes'")) -> i64 {
    require_superuser("rls_fixer.set_context_key");
    if key.len() < MIN_KEY_BYTES {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            format!("rls_fixer.set_context_key: the key is {} bytes; at least {MIN_KEY_BYTES} are required", key.len()),
            Some("Generate one with gen_random_bytes(32) (pgcrypto) or os.urandom(32).".into()),
        );
    }
    let id = Spi::connect_mut(|c| {
        c.update(
            // every older key retires within the grace, also those already in an earlier grace period
            "UPDATE rls_fixer.context_key \
                SET retires_at = LEAST(coalesce(retires_at, 'infinity'), clock_timestamp() + $1)",
            None,
            &[grace.into()],
        )?;
        c.update("DELETE FROM rls_fixer.context_key WHERE retires_at < clock_timestamp()", None, &[])?;
        c.update("INSERT INTO rls_fixer.context_key (key) VALUES ($1) RETURNING key_id", None, &[key.into()])?
            .first()
            .get_one::<i64>()
    })
    .unwrap_or_else(|e| crate::error::spi_err("storing the context key", e))
    .unwrap_or(0);
    invalidate_key_caches();
    id
}

/// Remove every context key (superusers): signed tokens stop working and set_tenant_context()
/// is allowed again.
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
pub fn drop_context_keys() -> i64 {
    require_superuser("rls_fixer.drop_context_keys");
    let n = Spi::connect_mut(|c| c.update("DELETE FROM rls_fixer.context_key", None, &[]).map(|t| t.len() as i64))
        .unwrap_or_else(|e| crate::error::spi_err("dropping the context keys", e));
    invalidate_key_caches();
    n
}

/// Every backend drops its cached keys when this transaction commits.
fn invalidate_key_caches() {
    let oid = Spi::get_one::<pg_sys::Oid>(KEY_TABLE).ok().flatten().unwrap_or(pg_sys::InvalidOid);
    if oid != pg_sys::InvalidOid {
        unsafe { pg_sys::CacheInvalidateRelcacheByRelid(oid) };
    }
    KEYS.with(|k| k.borrow_mut().0 = None);
}

/// Mint a token for `tenant_id`, valid for `valid_for` (superusers: for operations and tests;
/// applications sign with their own copy of the key).
#[pg_extern(volatile, parallel_unsafe, schema = "rls_fixer")]
#[search_path(pg_catalog, pg_temp)]
pub fn sign_tenant_token(tenant_id: &str, valid_for: default!(pgrx::datum::Interval, "'5 minutes'")) -> String {
    require_superuser("rls_fixer.sign_tenant_token");
    if let Err(msg) = super::validate_tenant_id(tenant_id, crate::config::TENANT_ID_FORMAT.get()) {
        raise(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, msg, None);
    }
    let secs = valid_for.as_micros() / 1_000_000
        + valid_for.days() as i128 * 86_400
        + valid_for.months() as i128 * 30 * 86_400;
    let exp = now_unix() as i64 + secs as i64;
    sign(&current_key(), tenant_id, exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(bytes: &[u8], retires_at: Option<f64>) -> Key {
        Key { bytes: bytes.to_vec(), retires_at }
    }

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const OLD: &[u8] = b"fedcba9876543210fedcba9876543210";

    #[test]
    fn sign_and_verify() {
        let t = sign(KEY, "acme", 2_000_000_000);
        assert!(t.starts_with("v1.YWNtZQ.2000000000."), "{t}");
        assert_eq!(verify_with(&t, &[k(KEY, None)], 1_900_000_000.0), Ok("acme".to_string()));
    }

    #[test]
    fn python_stdlib_signer_interoperates() {
        // hmac.new(KEY, b"v1.YWNtZQ.2000000000", hashlib.sha256).digest(), base64url without '='
        // (computed with Python's hmac/hashlib/base64, as examples/django/tenant_token.py does)
        let expected = "v1.YWNtZQ.2000000000.YDApeRmuRHjiaz-RNwXlwfUrMWJy_CjbXIRxW9UK_bs";
        assert_eq!(sign(KEY, "acme", 2_000_000_000), expected);
        assert_eq!(verify_with(expected, &[k(KEY, None)], 0.0), Ok("acme".to_string()));
    }

    #[test]
    fn refusals() {
        let keys = [k(KEY, None)];
        let good = sign(KEY, "acme", 2_000_000_000);
        // altered tenant, altered expiry, altered signature
        let forged = good.replacen("YWNtZQ", "Z2xvYmV4", 1);
        assert_eq!(verify_with(&forged, &keys, 0.0), Err(TokenError::BadSignature));
        let later = good.replacen("2000000000", "2000000001", 1);
        assert_eq!(verify_with(&later, &keys, 0.0), Err(TokenError::BadSignature));
        // a foreign key
        assert_eq!(verify_with(&sign(OLD, "acme", 2_000_000_000), &keys, 0.0), Err(TokenError::BadSignature));
        // expired
        assert_eq!(verify_with(&good, &keys, 2_000_000_001.0), Err(TokenError::Expired(2_000_000_000)));
        // malformed
        for bad in ["", "v1.a.b", "v2.YWNtZQ.1.x", "v1.@@.1.x", "v1.YWNtZQ.soon.x", "v1.YWNtZQ.1.!!"] {
            assert!(matches!(verify_with(bad, &keys, 0.0), Err(TokenError::Malformed(_))), "{bad}");
        }
        // one expiry, one spelling: a sign or leading zero is refused before the MAC is checked
        for respelled in ["+2000000000", "02000000000", " 2000000000", "-0"] {
            let t = good.replacen("2000000000", respelled, 1);
            assert!(matches!(verify_with(&t, &keys, 0.0), Err(TokenError::Malformed(_))), "{t}");
        }
    }

    #[test]
    fn rotation_grace() {
        let from_old = sign(OLD, "acme", 2_000_000_000);
        let keys = [k(KEY, None), k(OLD, Some(1_000.0))];
        assert_eq!(verify_with(&from_old, &keys, 999.0), Ok("acme".to_string()), "within the grace period");
        assert_eq!(verify_with(&from_old, &keys, 1_001.0), Err(TokenError::BadSignature), "retired");
    }
}
