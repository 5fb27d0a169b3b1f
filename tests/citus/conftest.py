"""Shared fixtures: the 3-node Citus cluster started by tests/citus/run.sh (scripts/citus.sh)."""
import os
import re

import psycopg2
import pytest

RUN = os.environ.get("RLS_FIXER_RUN", "/tmp/rls_fixer")
PORT = int(os.environ.get("CITUS_PORT", "54340"))
DB = "rls_citus"
NODES = {"coord": PORT, "w1": PORT + 1, "w2": PORT + 2}
APP = "citus_app"
TENANTS = {"t1": 25, "t2": 17, "t3": 9, "t4": 4}   # rows of orders per tenant


_open = []


def connect(user="postgres", node="coord", autocommit=True, track=True):
    """A connection to a node; closed at the end of the test unless track=False (a failed
    assertion must not leave a transaction holding locks that block the next tests). A
    statement that waits over a minute fails instead of hanging the suite."""
    conn = psycopg2.connect(host=f"{RUN}/citus-{node}/sock", port=NODES[node], user=user, dbname=DB,
                            options="-c statement_timeout=60s")
    conn.autocommit = autocommit
    if track:
        _open.append(conn)
    return conn


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    while _open:
        _open.pop().close()


def rows(cur, sql, args=None):
    cur.execute(sql, args)
    return cur.fetchall()


def one(cur, sql, args=None):
    cur.execute(sql, args)
    return cur.fetchone()[0]


def task_count(cur, query, args=None):
    """The Task Count of a query's distributed plan (EXPLAIN, not executed)."""
    cur.execute("EXPLAIN (COSTS OFF) " + query, args)
    for (line,) in cur.fetchall():
        m = re.search(r"Task Count: (\d+)", line)
        if m:
            return int(m.group(1))
    return None


def shard_states(cur, table):
    """{'rls,force,policies': shards} over every shard of a distributed table (read on the nodes)."""
    out = {}
    for (r,) in rows(cur, """SELECT result FROM run_command_on_shards(%s, $$SELECT relrowsecurity || ',' || relforcerowsecurity
             || ',' || coalesce((SELECT string_agg(polname, '+' ORDER BY polname) FROM pg_policy
                                  WHERE polrelid = '%%1$s'::regclass), '-')
             FROM pg_class WHERE oid = '%%1$s'::regclass$$)""", [table]):
        out[r] = out.get(r, 0) + 1
    return out


def findings(cur, where="true"):
    return rows(cur, f"SELECT check_name, severity, object_name, detail, fix_sql FROM rls_audit() WHERE {where}")


@pytest.fixture
def admin():
    conn = connect()
    yield conn
    conn.close()
