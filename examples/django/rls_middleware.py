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
"""
import logging

from django.db import DatabaseError, DataError, connection, transaction
from django.http import JsonResponse

HEADER = "X-Tenant-ID"
log = logging.getLogger(__name__)


def _execute(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _bad_tenant(exc):
    # set_tenant_context() refuses malformed ids with SQLSTATE 22023 (Django raises DataError).
    return JsonResponse({"error": str(exc.__cause__ or exc).strip()}, status=400)


class TenantContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant_id = request.headers.get(HEADER) or None
        try:
            try:
                if request.tenant_id:
                    _execute("SELECT set_tenant_context(%s)", [request.tenant_id])
                else:  # belt and braces: no tenant means no context, whatever ran before
                    _execute("SELECT clear_tenant_context()")
            except DataError as exc:
                return _bad_tenant(exc)
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
        request.tenant_id = request.headers.get(HEADER) or None
        try:
            with transaction.atomic():
                if request.tenant_id:
                    _execute("SELECT set_tenant_context(%s, true)", [request.tenant_id])
                # Errors in the view come back as a 500 response, not as an exception: the
                # view's own savepoint (ATOMIC_REQUESTS) has already rolled its writes back.
                return self.get_response(request)
        except DataError as exc:
            return _bad_tenant(exc)
