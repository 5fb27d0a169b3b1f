"""Signed tenant tokens for rls_fixer's set_tenant_context_signed(), Python standard library only.

When a superuser has run `SELECT rls_fixer.set_context_key(key)`, non-superusers can no longer
call `set_tenant_context()`: they must present a token signed with that key, so SQL injected into
the application's queries cannot switch tenants (it would need the key, which only the
application and the database know). The application mints one token per request:

    from tenant_token import sign_tenant_token
    token = sign_tenant_token(KEY, request.user.tenant_id)          # valid for 5 minutes
    cur.execute("SELECT set_tenant_context_signed(%s, true)", [token])

Token format (version 1), all ASCII, four dot-separated parts:

    v1.<tenant>.<exp>.<mac>
      tenant  base64url (RFC 4648 section 5, no '=' padding) of the tenant id's UTF-8 bytes
      exp     expiry, Unix seconds, decimal
      mac     base64url, no padding, of HMAC-SHA256(key, "v1.<tenant>.<exp>")

The database refuses a malformed token with SQLSTATE 22023 and a token with a wrong signature
(altered, or signed with a key that is neither current nor in its grace period) or past its
expiry with SQLSTATE 28000; the context in force stays unchanged.

The key is raw bytes, at least 32 (the database refuses shorter ones); keep it out of the source,
e.g. hex in an environment variable: `key_from_hex(os.environ["RLS_CONTEXT_KEY"])`, and load the
same bytes with `SELECT rls_fixer.set_context_key(decode('<hex>', 'hex'))`.
"""
import base64
import hashlib
import hmac
import re
import time

VERSION = "v1"
MIN_KEY_BYTES = 32
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_EXP = re.compile(r"0|[1-9][0-9]{0,17}")  # one spelling per expiry, as the database requires


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url without padding")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).digest()


def key_from_hex(text: str) -> bytes:
    """The key bytes from hex (as kept in an environment variable); refuses keys under 32 bytes."""
    key = bytes.fromhex(text.strip())
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the context key is {len(key)} bytes; at least {MIN_KEY_BYTES} are required")
    return key


def sign_tenant_token(key: bytes, tenant_id: str, valid_for: int = 300, now: float | None = None) -> str:
    """A v1 token for `tenant_id`, valid for `valid_for` seconds from `now` (default: the current
    time). `key` is the raw context key (the bytes given to rls_fixer.set_context_key()).

    Keep tokens short-lived (one per request, a few minutes at most): a token is a bearer
    credential for its tenant until it expires. The expiry is checked by the database clock, so
    allow for clock skew between the application and the database when choosing `valid_for`.
    """
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise TypeError("key must be non-empty bytes")
    if not isinstance(tenant_id, str) or not tenant_id:
        raise ValueError("tenant_id must be a non-empty str")
    exp = int(time.time() if now is None else now) + int(valid_for)
    message = f"{VERSION}.{_b64url(tenant_id.encode('utf-8'))}.{exp}"
    return f"{message}.{_b64url(_mac(bytes(key), message))}"


def verify_tenant_token(key: bytes, token: str, now: float | None = None) -> str:
    """The tenant a token carries, checked as the database checks it (for tests and tools: the
    database does its own check). Raises ValueError when it is malformed, not signed with `key`,
    or expired at `now`."""
    parts = token.split(".")
    if len(parts) != 4:
        raise ValueError(f"malformed token: expected 4 dot-separated parts, got {len(parts)}")
    version, tenant64, exp_text, mac64 = parts
    if version != VERSION:
        raise ValueError(f"malformed token: unknown version {version!r}")
    if not _EXP.fullmatch(exp_text):
        raise ValueError("malformed token: the expiry is not a number")
    try:
        tenant = _b64url_decode(tenant64).decode("utf-8")
        mac = _b64url_decode(mac64)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"malformed token: {exc}") from None
    if not hmac.compare_digest(mac, _mac(bytes(key), f"{VERSION}.{tenant64}.{exp_text}")):
        raise ValueError("bad signature")
    if int(exp_text) < (time.time() if now is None else now):
        raise ValueError(f"expired at {exp_text}")
    return tenant


if __name__ == "__main__":  # python tenant_token.py <hex key> <tenant> [seconds]: print a token
    import sys

    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python tenant_token.py HEX_KEY TENANT_ID [VALID_FOR_SECONDS]")
    print(sign_tenant_token(key_from_hex(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 300))
