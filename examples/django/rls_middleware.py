"""Tenant context for every request, set with rls_fixer's set_tenant_context().

The tenant comes from the X-Tenant-ID header here; in a real application take it from the
authenticated user (request.user.tenant_id), never from something the client can choose.

Two variants, pick the one matching your settings:

* TenantContextMiddleware: session-level context, set at the start of the request and cleared in
  `finally`. Works with autocommit and persistent connections (CONN_MAX_AGE > 0). Not safe
  behind PgBouncer in transaction pooling mode: there use the atomic variant.
* AtomicTenantContextMiddleware: transaction-local context (is_local => true) inside one
  transaction around the request. It ends with the transaction, so nothing can leak to the next
  user of the connection, pooled or not. Use it with ATOMIC_REQUESTS = True.

Signed contexts: when settings.RLS_CONTEXT_KEY holds the context key (bytes; the one a superuser
gave rls_fixer.set_context_key()), both variants mint a short-lived token per request
(tenant_token.sign_tenant_token, valid for settings.RLS_TOKEN_TTL seconds) and call
set_tenant_context_signed() instead: the atomic variant `set_tenant_context_signed(%s, true)`
inside the request transaction, the session variant the session form (cleared in `finally` as
before). A request may also carry a token minted upstream (an auth service holding the key) in
the X-Tenant-Token header; it is passed to the database unchanged, which verifies it. A token
the database refuses gets 403 (altered, signed with another key, expired: SQLSTATE 28000) or 400
(malformed: 22023), never data. Without RLS_CONTEXT_KEY and X-Tenant-Token nothing changes.
"""
import logging

from django.conf import settings
from django.db import DatabaseError, DataError, connection, transaction
from django.http import JsonResponse

from tenant_token import sign_tenant_token

HEADER = "X-Tenant-ID"
TOKEN_HEADER = "X-Tenant-Token"
log = logging.getLogger(__name__)


def _execute(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone() if cur.description else None


def _sqlstate(exc):
    cause = exc.__cause__ or exc
    return getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)  # psycopg2 / psycopg 3


def _error(exc, status):
    return JsonResponse({"error": str(exc.__cause__ or exc).strip(), "sqlstate": _sqlstate(exc)}, status=status)


def _bad_tenant(exc):
    # set_tenant_context() refuses malformed ids (and set_tenant_context_signed() malformed
    # tokens) with SQLSTATE 22023 (Django raises DataError).
    return _error(exc, 400)


def _set_context(request, is_local):
    """Set the request's tenant context: a signed token when there is one (from the request or
    minted with settings.RLS_CONTEXT_KEY), the plain call otherwise. Sets request.tenant_id to
    the tenant the database accepted. Returns False when there is no tenant."""
    local = ", true" if is_local else ""
    token = request.headers.get(TOKEN_HEADER) or None
    tenant = request.headers.get(HEADER) or None
    key = getattr(settings, "RLS_CONTEXT_KEY", None)
    if token is None and tenant is not None and key:
        token = sign_tenant_token(key, tenant, getattr(settings, "RLS_TOKEN_TTL", 60))
    if token is not None:
        # the tenant is the one the token carries (the function returns it)
        request.tenant_id = _execute(f"SELECT set_tenant_context_signed(%s{local})", [token])[0]
        return True
    request.tenant_id = tenant
    if tenant is None:
        return False
    _execute(f"SELECT set_tenant_context(%s{local})", [tenant])
    return True


def _refused_token(exc):
    """The response for a token the database refused (28000), or None for other errors."""
    if _sqlstate(exc) == "28000":
        return _error(exc, 403)
    return None


class TenantContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant_id = None
        try:
            try:
                if not _set_context(request, is_local=False):
                    # belt and braces: no tenant means no context, whatever ran before
                    _execute("SELECT clear_tenant_context()")
            except DataError as exc:
                return _bad_tenant(exc)
            except DatabaseError as exc:
                refused = _refused_token(exc)
                if refused is None:
                    raise
                return refused
            return self.get_response(request)
        finally:
            try:
                _execute("SELECT clear_tenant_context()")
            except DatabaseError:
                # A connection whose tenant could not be cleared must not serve the next request.
                log.exception("clear_tenant_context() failed; closing the connection")
                connection.close()


class AtomicTenantContextMiddleware:
    """For ATOMIC_REQUESTS = True. Django wraps only the view in transaction.atomic(), not the
    middleware, so this middleware opens the request transaction itself; the view's atomic block
    then runs inside it as a savepoint, and SET LOCAL survives savepoints. COMMIT or ROLLBACK ends
    the tenant context: there is nothing to clear."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant_id = None
        try:
            with transaction.atomic():
                _set_context(request, is_local=True)
                # Errors in the view come back as a 500 response, not as an exception: the
                # view's own savepoint (ATOMIC_REQUESTS) has already rolled its writes back.
                return self.get_response(request)
        except DataError as exc:
            return _bad_tenant(exc)
        except DatabaseError as exc:
            refused = _refused_token(exc)
            if refused is None:
                raise
            return refused
