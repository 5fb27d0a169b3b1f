"""The tenant context reaching the Citus workers through a real PgBouncer in transaction pooling.

Eight clients share two coordinator backends; each of those keeps cached connections to the
workers that serve many clients in turn. Every transaction sets its tenant with
set_tenant_context(id, true): multi-shard reads, router reads and writes must see exactly that
tenant's rows on the workers, and a transaction without a tenant must see none (nothing left on
a worker connection from the previous client).
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter

import psycopg2
import pytest

from conftest import APP, DB, PORT, TENANTS, connect

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
POOL_SIZE = 2
CLIENTS = 8
PER_CLIENT = 60
TIME_LIMIT = 60.0


def free_port(preferred):
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


@pytest.fixture(scope="module")
def bouncer():
    admin = connect(track=False)
    cur = admin.cursor()
    cur.execute("SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'orders'::regclass")
    if cur.fetchone()[0] == 0:      # run alone: test_citus.py makes orders; make a small one
        cur.execute("CREATE EXTENSION IF NOT EXISTS rls_fixer")
        cur.execute(f"DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP}') THEN CREATE ROLE {APP} LOGIN; END IF; END$$")
        cur.execute("CREATE TABLE orders (tenant_id text NOT NULL, id bigint NOT NULL, amount int, PRIMARY KEY (tenant_id, id))")
        cur.execute("SELECT create_distributed_table('orders', 'tenant_id')")
        for t, n in TENANTS.items():
            cur.execute("INSERT INTO orders SELECT %s, g, g FROM generate_series(1, %s) g", [t, n])
        cur.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO {APP}")
        cur.execute("SELECT * FROM rls_fix(false)")
    admin.close()

    workdir = tempfile.mkdtemp(prefix="rls_citus_pgbouncer_")
    port = free_port(PORT + 3)
    with open(os.path.join(workdir, "userlist.txt"), "w") as f:
        f.write(f'"{APP}" ""\n')
    with open(os.path.join(workdir, "pgbouncer.ini"), "w") as f:
        f.write(f"""[databases]
{DB} = host=127.0.0.1 port={PORT} dbname={DB}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir}/userlist.txt
pool_mode = transaction
default_pool_size = {POOL_SIZE}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 50
max_db_connections = {POOL_SIZE}
logfile = {workdir}/pgbouncer.log
pidfile = {workdir}/pgbouncer.pid
""")
    cmd = [PGBOUNCER]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        pg = pwd.getpwnam("postgres")
        os.chown(workdir, pg.pw_uid, pg.pw_gid)
        for name in os.listdir(workdir):
            os.chown(os.path.join(workdir, name), pg.pw_uid, pg.pw_gid)
        cmd += ["-u", "postgres"]
    cmd.append(os.path.join(workdir, "pgbouncer.ini"))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def connect_app():
        conn = psycopg2.connect(host="127.0.0.1", port=port, user=APP, dbname=DB, connect_timeout=10)
        conn.autocommit = True  # BEGIN/COMMIT are sent explicitly
        return conn

    try:
        deadline = time.monotonic() + 15
        while True:
            assert proc.poll() is None, f"pgbouncer exited with {proc.returncode}"
            try:
                connect_app().close()
                break
            except psycopg2.OperationalError:
                assert time.monotonic() < deadline, "pgbouncer not ready in 15 s"
                time.sleep(0.1)
        yield connect_app
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def test_context_reaches_the_workers_under_transaction_pooling(bouncer):
    tenants = list(TENANTS)
    conns = [bouncer() for _ in range(CLIENTS)]
    results, errors = [None] * CLIENTS, []
    barrier = threading.Barrier(CLIENTS)
    deadline = time.monotonic() + TIME_LIMIT

    def work(i, cur):
        stats, pids = Counter(), set()
        for j in range(PER_CLIENT):
            if time.monotonic() > deadline:
                break
            tenant = (tenants + [None])[(i + j) % (len(tenants) + 1)]
            cur.execute("BEGIN")
            if tenant is not None:
                cur.execute("SELECT set_tenant_context(%s, true)", [tenant])
            cur.execute("SELECT pg_backend_pid()")
            pids.add(cur.fetchone()[0])
            cur.execute("SELECT tenant_id FROM orders")                       # every shard
            seen = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT count(*) FROM orders WHERE tenant_id = %s", [tenant or "t1"])  # one shard
            routed = cur.fetchone()[0]
            wrote = None
            if tenant is not None:
                cur.execute("INSERT INTO orders VALUES (%s, %s, 1) RETURNING id", [tenant, 100000 + i * 1000 + j])
                wrote = cur.fetchone()[0]
            cur.execute("ROLLBACK")
            stats["done"] += 1
            stats[f"kind:{tenant}"] += 1
            if tenant is None:
                stats["tenantless_rows"] += len(seen) + routed
            else:
                stats["foreign_rows"] += sum(1 for r in seen if r != tenant)
                stats["missing_rows"] += TENANTS[tenant] - sum(1 for r in seen if r == tenant)
                stats["router_wrong"] += routed != TENANTS[tenant]
                stats["write_failed"] += wrote is None
        return stats, pids

    def thread(i):
        try:
            barrier.wait(timeout=30)
            with conns[i].cursor() as cur:
                results[i] = work(i, cur)
        except Exception as e:
            errors.append(f"client {i}: {e!r}")

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(CLIENTS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=TIME_LIMIT + 30)
    finally:
        for c in conns:
            c.close()
    assert not errors, errors[:5]
    total = sum((s for s, _ in results), Counter())
    pids = set().union(*(p for _, p in results))
    assert total["done"] == CLIENTS * PER_CLIENT, total
    assert total["kind:None"] > 0 and all(total[f"kind:{t}"] > 0 for t in tenants), total
    for k in ["foreign_rows", "missing_rows", "router_wrong", "write_failed", "tenantless_rows"]:
        assert total[k] == 0, (k, total)
    assert 1 <= len(pids) <= POOL_SIZE, pids                 # 8 clients on at most 2 coordinator backends


def test_a_cross_tenant_write_is_refused_through_the_pool(bouncer):
    conn = bouncer()
    cur = conn.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT set_tenant_context('t1', true)")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute("INSERT INTO orders VALUES ('t2', 999999, 1)")
    cur.execute("ROLLBACK")
    cur.execute("BEGIN")
    cur.execute("SELECT count(*) FROM orders")
    assert cur.fetchone()[0] == 0                            # the next transaction: no tenant
    cur.execute("COMMIT")
    conn.close()
