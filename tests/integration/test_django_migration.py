"""Auto-protect with a real Django migration: with rls_fixer.on_new_tenant_table = protect the
example's migration creates notes_note already protected (ENABLE + FORCE + tenant policy, in the
migration's own transaction, recorded as an undoable run); with warn it stays as Django made it."""
import os
import subprocess
import sys

import pytest

from conftest import PORT, REPO, connect

EXAMPLE = os.path.join(REPO, "examples", "django")


@pytest.fixture
def fresh_db():
    admin = connect(dbname="postgres")
    cur = admin.cursor()
    cur.execute("DROP DATABASE IF EXISTS djmig WITH (FORCE)")
    cur.execute("CREATE DATABASE djmig")
    db = connect(dbname="djmig")
    db.cursor().execute("CREATE EXTENSION rls_fixer")
    yield db
    db.close()
    cur.execute("DROP DATABASE djmig WITH (FORCE)")
    admin.close()


def migrate(mode):
    env = dict(os.environ, DB_HOST="127.0.0.1", DB_PORT=str(PORT), DB_NAME="djmig", DB_USER="postgres",
               PGOPTIONS=f"-c rls_fixer.on_new_tenant_table={mode}", PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "notes"], cwd=EXAMPLE,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Applying notes.0001_initial... OK" in r.stdout


def state(db):
    cur = db.cursor()
    cur.execute(
        "SELECT relrowsecurity, relforcerowsecurity, "
        "(SELECT array_agg(polname::text) FROM pg_policy WHERE polrelid = c.oid) "
        "FROM pg_class c WHERE oid = 'notes_note'::regclass"
    )
    return cur.fetchone()


def test_django_migration_is_protected_when_born(fresh_db):
    migrate("protect")
    assert state(fresh_db) == (True, True, ["rls_fixer_tenant_isolation"])
    cur = fresh_db.cursor()
    cur.execute("SELECT count(*) FROM rls_fixer.fix_action WHERE check_name = 'new_tenant_table' AND object_name = 'public.notes_note'")
    assert cur.fetchone()[0] == 3
    cur.execute("SELECT count(*) FROM rls_audit() WHERE severity = 'error' AND object_name LIKE 'public.notes_note%'")
    assert cur.fetchone()[0] == 0
    # and it can be taken back like any run
    cur.execute("SELECT count(*) FROM rls_undo()")
    assert cur.fetchone()[0] == 3
    assert state(fresh_db) == (False, False, None)


def test_django_migration_with_warn_changes_nothing(fresh_db):
    migrate("warn")
    assert state(fresh_db) == (False, False, None)
    cur = fresh_db.cursor()
    cur.execute("SELECT check_name FROM rls_audit() WHERE object_name = 'public.notes_note' AND severity = 'error' ORDER BY 1")
    assert [r[0] for r in cur.fetchall()] == ["rls_disabled", "rls_not_forced", "tenant_policy_missing"]
