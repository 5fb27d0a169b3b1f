import json

from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.http import require_http_methods

from .models import Note


@require_http_methods(["GET", "POST"])
def notes(request):
    """GET: the notes this request can see. POST {"body": ..., ["tenant_id": ...]}: create one."""
    if request.method == "POST":
        return create_note(request)
    tenant_ids = list(Note.objects.values_list("tenant_id", flat=True))  # no WHERE: RLS filters
    with connection.cursor() as cur:
        cur.execute("SELECT current_tenant_id(), pg_backend_pid()")
        tenant, backend_pid = cur.fetchone()
    return JsonResponse({
        "tenant": tenant,                        # the tenant context the database sees
        "count": len(tenant_ids),
        "tenant_ids": sorted(set(tenant_ids)),   # must be [] or [tenant]
        "backend_pid": backend_pid,              # shows when a persistent connection is reused
        "in_atomic_block": connection.in_atomic_block,
    })


def create_note(request):
    data = json.loads(request.body or b"{}")
    # The client may name the tenant (think of an import API). The application does not check it:
    # the policy's WITH CHECK makes the database refuse every tenant but the request's own.
    tenant_id = data.get("tenant_id", request.tenant_id)
    if not tenant_id:
        return JsonResponse({"error": "no tenant"}, status=400)
    try:
        with transaction.atomic():  # a savepoint under ATOMIC_REQUESTS, so the request goes on
            note = Note.objects.create(tenant_id=tenant_id, body=data.get("body", ""))
    except DatabaseError as exc:
        if getattr(exc.__cause__, "pgcode", None) == "42501":  # row violates row-level security
            return JsonResponse({"error": str(exc.__cause__).strip()}, status=403)
        raise
    return JsonResponse({"id": note.id, "tenant_id": note.tenant_id}, status=201)
