"""Shared fixtures: the throwaway cluster started by tests/integration/run.sh."""
import os
import subprocess

import psycopg2
import pytest

PORT = int(os.environ.get("RLS_INTEG_PORT", "54332"))
SOCK = os.environ.get("RLS_INTEG_SOCK", "/tmp/rls_fixer/integ/sock")
DB = os.environ.get("PGDATABASE", "rls_integ")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def connect(user="postgres", dbname=DB, host=SOCK, port=PORT, autocommit=True):
    conn = psycopg2.connect(host=host, port=port, user=user, dbname=dbname)
    conn.autocommit = autocommit
    return conn


def psql(sql, user="postgres", dbname=DB):
    """Run SQL through psql (ON_ERROR_STOP) and return stdout."""
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", SOCK, "-p", str(PORT), "-U", user, "-d", dbname, "-c", sql],
        check=True, capture_output=True, text=True,
    ).stdout


def protected_tenant_table(cur, table, role, seed, column):
    """A fresh `table (id, tenant_id text, <column> text)` seeded with `seed` ({tenant: rows}),
    protected by rls_fix(false) (asserted), and a fresh non-superuser LOGIN `role` without grants."""
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cur.fetchone():
        cur.execute(f"DROP OWNED BY {role}")
        cur.execute(f"DROP ROLE {role}")
    cur.execute(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, tenant_id text NOT NULL, {column} text)")
    cur.execute(f"CREATE INDEX ON {table} (tenant_id)")
    for tenant, n in seed.items():
        cur.execute(f"INSERT INTO {table} (tenant_id, {column}) SELECT %s, '{column} ' || g FROM generate_series(1, %s) g",
                    [tenant, n])
    cur.execute("SELECT object_name, applied FROM rls_fix(false)")
    mine = [r for r in cur.fetchall() if r[0] == f"public.{table}"]
    assert mine and all(applied for _, applied in mine), mine
    cur.execute("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass", [table])
    assert cur.fetchone() == (True, True)
    cur.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS")


@pytest.fixture
def admin():
    conn = connect()
    yield conn
    conn.close()
