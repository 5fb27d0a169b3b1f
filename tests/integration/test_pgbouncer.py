"""set_tenant_context() behind a real PgBouncer in transaction pooling mode.

More client connections than server connections, so consecutive transactions of one client run on
different server backends and each backend serves many clients. The transaction-local form
(BEGIN; set_tenant_context(id, true); ...; COMMIT) must never show a row of another tenant; the
session form (set_tenant_context(id) in autocommit) must be shown to leak, which is why the README
tells PgBouncer users to use the transaction-local form.
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

from conftest import protected_tenant_table, DB, PORT, connect

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
APP_ROLE = "pgb_app"        # names unique to this file: the test files share one database
TABLE = "pgb_items"
T1, T2 = "pgb_t1", "pgb_t2"
SEED = {T1: 4, T2: 7}
POOL_SIZE = 2
CLIENTS = 8
TIME_LIMIT = 30.0           # seconds for each load run; the runs stop by themselves at this bound


def free_port(preferred=6439):
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


@pytest.fixture(scope="module")
def schema():
    admin = connect()
    cur = admin.cursor()
    protected_tenant_table(cur, TABLE, APP_ROLE, SEED, "body")
    cur.execute(f"GRANT SELECT ON {TABLE} TO {APP_ROLE}")
    yield admin
    admin.close()


class Bouncer:
    def __init__(self, port, workdir):
        self.port, self.workdir = port, workdir

    def connect(self, dbname=DB):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=APP_ROLE, dbname=dbname,
                                connect_timeout=10)
        conn.autocommit = True  # BEGIN/COMMIT are sent explicitly
        return conn

    def log(self):
        try:
            with open(os.path.join(self.workdir, "pgbouncer.log")) as f:
                return f.read()[-3000:]
        except OSError:
            return "(no log)"


@pytest.fixture
def pgbouncer(schema):
    """A fresh PgBouncer for each test (so no test inherits another's server sessions):
    database `rls_integ` with a pool of POOL_SIZE, and `rls_integ_single` with a pool of one."""
    workdir = tempfile.mkdtemp(prefix="rls_pgbouncer_")
    port = free_port()
    with open(os.path.join(workdir, "userlist.txt"), "w") as f:
        f.write(f'"{APP_ROLE}" ""\n')
    with open(os.path.join(workdir, "pgbouncer.ini"), "w") as f:
        f.write(f"""[databases]
{DB} = host=127.0.0.1 port={PORT} dbname={DB}
{DB}_single = host=127.0.0.1 port={PORT} dbname={DB} pool_size=1

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
    bouncer = Bouncer(port, workdir)
    try:
        deadline = time.monotonic() + 15
        while True:
            assert proc.poll() is None, f"pgbouncer exited with {proc.returncode}:\n{bouncer.log()}"
            try:
                bouncer.connect().close()
                break
            except psycopg2.OperationalError:
                assert time.monotonic() < deadline, f"pgbouncer not ready in 15 s:\n{bouncer.log()}"
                time.sleep(0.1)
        yield bouncer
    finally:
        proc.terminate()  # SIGTERM: immediate shutdown
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def run_clients(bouncer, n_clients, work):
    """Open n_clients connections, wait until all are open at once, then run work(index, cursor,
    deadline) in one thread per client. Returns the list of per-client results."""
    conns = [bouncer.connect() for _ in range(n_clients)]
    results, errors = [None] * n_clients, []
    barrier = threading.Barrier(n_clients)
    deadline = time.monotonic() + TIME_LIMIT

    def thread(i):
        try:
            barrier.wait(timeout=30)
            with conns[i].cursor() as cur:
                results[i] = work(i, cur, deadline)
        except Exception as e:  # reported below with the client index
            errors.append(f"client {i}: {e!r}")

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(n_clients)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=TIME_LIMIT + 30)
        assert not any(t.is_alive() for t in threads), "client threads did not stop"
    finally:
        for c in conns:
            c.close()
    assert not errors, f"{errors[:5]}\n{bouncer.log()}"
    return results


def test_transaction_local_context_never_leaks_under_transaction_pooling(pgbouncer, schema):
    per_client = 250  # 8 x 250 = 2,000 transactions: tenant 1, tenant 2 and tenant-less interleaved

    def work(i, cur, deadline):
        stats = Counter()
        pids = set()
        for j in range(per_client):
            if time.monotonic() > deadline:
                break
            tenant = [T1, T2, None][(i + j) % 3]
            cur.execute("BEGIN")
            if tenant is not None:
                cur.execute("SELECT set_tenant_context(%s, true)", [tenant])
            cur.execute("SELECT pg_backend_pid(), current_tenant_id()")
            pid, context = cur.fetchone()
            cur.execute(f"SELECT tenant_id FROM {TABLE}")
            rows = [r[0] for r in cur.fetchall()]
            cur.execute("COMMIT")
            pids.add(pid)
            stats["done"] += 1
            stats[f"kind:{tenant}"] += 1
            if context != tenant:
                stats["wrong_context"] += 1
            if tenant is None:
                stats["tenantless_rows"] += len(rows)
            else:
                stats["cross_tenant_rows"] += sum(1 for r in rows if r != tenant)
                stats["missing_own_rows"] += SEED[tenant] - sum(1 for r in rows if r == tenant)
        return stats, pids

    started = time.monotonic()
    results = run_clients(pgbouncer, CLIENTS, work)
    elapsed = time.monotonic() - started
    total = sum((s for s, _ in results), Counter())
    server_pids = set().union(*(p for _, p in results))

    assert total["done"] == CLIENTS * per_client, f"only {total['done']} transactions in {elapsed:.1f} s"
    assert total["kind:None"] > 0 and total[f"kind:{T1}"] > 0 and total[f"kind:{T2}"] > 0
    assert total["cross_tenant_rows"] == 0, total
    assert total["tenantless_rows"] == 0, total
    assert total["wrong_context"] == 0, total
    assert total["missing_own_rows"] == 0, total
    # 8 clients really were multiplexed onto at most POOL_SIZE server backends
    assert 1 <= len(server_pids) <= POOL_SIZE, server_pids
    shared = [pid for pid in server_pids if sum(pid in p for _, p in results) > 1]
    assert shared, "no server backend was shared by two clients"


def test_session_context_leaks_under_transaction_pooling(pgbouncer, schema):
    """Counter-example behind the README warning: set_tenant_context(id) without is_local is a
    session setting of whichever server backend ran it; the client's next statement may run on
    another backend, one that still holds another client's tenant."""
    per_client = 150

    def work(i, cur, deadline):
        mine = [T1, T2][i % 2]
        stats = Counter()
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            cur.execute("SELECT set_tenant_context(%s)", [mine])   # autocommit: its own transaction
            cur.execute(f"SELECT tenant_id FROM {TABLE}")           # the next one, maybe elsewhere
            rows = [r[0] for r in cur.fetchall()]
            stats["queries"] += 1
            if any(r != mine for r in rows):
                stats["leaks"] += 1
        return stats

    total = sum(run_clients(pgbouncer, CLIENTS, work), Counter())
    assert total["queries"] > 0
    assert total["leaks"] > 0, f"expected cross-tenant rows with the session form, saw none in {total}"
    print(f"\nsession form under transaction pooling: {total['leaks']} of {total['queries']} "
          f"queries saw another tenant's rows")


def test_session_context_is_inherited_by_the_next_client(pgbouncer, schema):
    """Deterministic version with a pool of one server backend: a client that never sets a
    tenant inherits the previous client's session-level tenant and reads its rows. A
    transaction-local context on the same backend does not clear that leftover either."""
    first = pgbouncer.connect(f"{DB}_single")
    with first.cursor() as cur:
        cur.execute("SELECT set_tenant_context(%s), pg_backend_pid()", [T1])
        first_pid = cur.fetchone()[1]
    first.close()

    second = pgbouncer.connect(f"{DB}_single")
    try:
        with second.cursor() as cur:
            cur.execute("SELECT pg_backend_pid(), current_tenant_id()")
            assert cur.fetchone() == (first_pid, T1)  # same backend, previous client's tenant
            cur.execute(f"SELECT tenant_id FROM {TABLE}")
            assert [r[0] for r in cur.fetchall()] == [T1] * SEED[T1]

            cur.execute("BEGIN")
            cur.execute("SELECT set_tenant_context(%s, true)", [T2])
            cur.execute(f"SELECT tenant_id FROM {TABLE}")
            assert [r[0] for r in cur.fetchall()] == [T2] * SEED[T2]
            cur.execute("COMMIT")
            cur.execute("SELECT current_tenant_id()")
            assert cur.fetchone()[0] == T1  # the session-level leftover is back after COMMIT
    finally:
        second.close()
