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


@pytest.fixture
def admin():
    conn = connect()
    yield conn
    conn.close()
