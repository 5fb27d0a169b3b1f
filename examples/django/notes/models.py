from django.db import models


class Note(models.Model):
    """A tenant-scoped row: rls_fix() protects every table with a tenant_id column."""

    tenant_id = models.TextField(db_index=True)
    body = models.TextField()
