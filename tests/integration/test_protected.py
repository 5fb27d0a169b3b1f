"""Protected mode and signed tenant contexts with real neighbours.

pg_regress (tests/pg_regress/sql/10_protected.sql) pins the details; this file drives the same
features the way applications do: the spoofing routes over ordinary client connections, a real
PgBouncer in transaction pooling (8 clients on 2 server connections, >= 10,000 signed
transactions, cached PL/pgSQL plans, tenant-less transactions), the extended protocol with named
prepared statements (pgbench -M prepared, also with plan_cache_mode = force_generic_plan),
parallel query, tokens minted by Python's standard library, and a live key rotation.

Everything runs in a database of its own (rls_protected): its context key and protected-mode
policies reach no other test file.
"""
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

import psycopg2
import pytest

from conftest import PORT, REPO, SOCK, connect

sys.path.insert(0, os.path.join(REPO, "examples", "django"))
from tenant_token import sign_tenant_token, verify_tenant_token  # noqa: E402

DB = "rls_protected"
APP = "protx_app"             # names unique to this file (roles are cluster-wide)
TENANTS = {"acme": 3, "globex": 5, "initech": 8, "umbrella": 13}            # prot.docs
BIG = {"acme": 20_000, "globex": 30_000, "initech": 40_000, "umbrella": 50_000}  # prot.big
KEY = os.urandom(32)
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
PGBENCH = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"

SCHEMA_SQL = f"""
CREATE SCHEMA prot;
GRANT USAGE ON SCHEMA prot TO {APP};
CREATE TABLE prot.docs (id bigserial PRIMARY KEY, tenant_id text NOT NULL, body text);
CREATE INDEX ON prot.docs (tenant_id);
{"".join(f"INSERT INTO prot.docs (tenant_id, body) SELECT '{t}', 'doc ' || g FROM generate_series(1, {n}) g;"
         for t, n in TENANTS.items())}
CREATE TABLE prot.big (id bigserial PRIMARY KEY, tenant_id text NOT NULL, v int);
CREATE INDEX ON prot.big (tenant_id);
{"".join(f"INSERT INTO prot.big (tenant_id, v) SELECT '{t}', g FROM generate_series(1, {n}) g;"
         for t, n in BIG.items())}
ANALYZE prot.docs, prot.big;
GRANT SELECT ON ALL TABLES IN SCHEMA prot TO {APP};
-- a PL/pgSQL function without parameters: its query plan is cached (generic from the first call)
-- for the life of the backend, i.e. shared by every PgBouncer client the backend serves
CREATE FUNCTION prot.docs_seen(OUT n bigint, OUT tenants text) LANGUAGE plpgsql SECURITY INVOKER
  AS $$ BEGIN SELECT count(*), string_agg(DISTINCT tenant_id, ',') INTO n, tenants FROM prot.docs; END $$;
-- evaluated in parallel workers: the tenant they see
CREATE FUNCTION prot.worker_tenant() RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE
  AS $$ BEGIN RETURN coalesce(current_tenant_id(), '-'); END $$;
CREATE SCHEMA protx_own AUTHORIZATION {APP};
"""


def db_connect(user="postgres", autocommit=True, **kwargs):
    if not kwargs:
        return connect(user=user, dbname=DB, autocommit=autocommit)
    conn = psycopg2.connect(host=SOCK, port=PORT, user=user, dbname=DB, **kwargs)
    conn.autocommit = autocommit
    return conn


def sqlstate(cur, sql, params=None):
    """None when `sql` succeeds, else its SQLSTATE."""
    try:
        cur.execute(sql, params)
    except psycopg2.Error as e:
        return e.pgcode
    return None


def token(tenant, key=KEY, valid_for=300):
    return sign_tenant_token(key, tenant, valid_for)


@pytest.fixture(scope="module")
def database():
    """rls_protected with the extension, prot.docs / prot.big protected by rls_fix(false) in
    setting mode (the default), and the application role."""
    root = connect(dbname="postgres")
    rcur = root.cursor()
    rcur.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    rcur.execute(f"DROP ROLE IF EXISTS {APP}")
    rcur.execute(f"CREATE ROLE {APP} LOGIN NOSUPERUSER NOBYPASSRLS")
    rcur.execute(f"CREATE DATABASE {DB}")
    admin = db_connect()
    cur = admin.cursor()
    cur.execute("CREATE EXTENSION rls_fixer")
    cur.execute("SET rls_fixer.on_new_tenant_table = off")
    cur.execute(SCHEMA_SQL)
    cur.execute("SET rls_fixer.schemas = 'prot'")
    cur.execute("SELECT object_name, applied FROM rls_fix(false)")
    fixed = cur.fetchall()
    assert {o for o, _ in fixed} == {"prot.docs", "prot.big"} and all(a for _, a in fixed), fixed
    yield admin
    admin.close()
    rcur.execute(f"DROP DATABASE {DB} WITH (FORCE)")
    rcur.execute(f"DROP ROLE {APP}")
    root.close()


@pytest.fixture(scope="module")
def protected(database):
    """Switch to protected mode the way the README says: ALTER DATABASE ... SET
    rls_fixer.context_mode = protected, then rls_fix(false) in a new session."""
    root = connect(dbname="postgres")
    root.cursor().execute(f"ALTER DATABASE {DB} SET rls_fixer.context_mode = protected")
    root.close()
    admin = db_connect()
    cur = admin.cursor()
    cur.execute("SHOW rls_fixer.context_mode")
    assert cur.fetchone()[0] == "protected"
    cur.execute("SET rls_fixer.schemas = 'prot'")
    cur.execute("SELECT check_name, object_name, applied FROM rls_fix(false)")
    fixed = cur.fetchall()
    assert {(c, o) for c, o, _ in fixed} == {("generated_policy_outdated", "prot.docs"),
                                            ("generated_policy_outdated", "prot.big")}, fixed
    assert all(a for _, _, a in fixed), fixed
    cur.execute("SELECT count(*) FROM rls_fix(true)")
    assert cur.fetchone()[0] == 0
    cur.execute("SELECT DISTINCT pg_get_expr(polqual, polrelid) FROM pg_policy "
                "WHERE polrelid IN ('prot.docs'::regclass, 'prot.big'::regclass)")
    assert cur.fetchall() == [("(tenant_id = rls_fixer.tenant())",)]
    cur.execute("SELECT count(*) FROM rls_audit() WHERE check_name = 'tenant_context_spoofable'")
    assert cur.fetchone()[0] == 0
    yield admin
    admin.close()


@pytest.fixture
def key(database):
    """The context key KEY is set (non-superusers must sign) for the test, dropped after it."""
    cur = database.cursor()
    cur.execute("SELECT rls_fixer.set_context_key(%s)", [KEY])
    yield KEY
    cur.execute("SELECT rls_fixer.drop_context_keys()")


def psql_as(user, script):
    """A psql script as typed (statements one by one), unaligned and tuples-only."""
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", SOCK, "-p", str(PORT),
                          "-U", user, "-d", DB, "-f", "-"], input=script, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


# --- a. spoofing routes --------------------------------------------------------------------------

def test_setting_mode_guide_test_works_and_is_spoofable(database):
    """Setting mode (the default): the guide's psql test switches tenants with a plain SET, i.e.
    any code running as the app role can; the audit says so."""
    assert psql_as(APP, """
SET app.current_tenant_id TO 'acme';
SELECT count(*) FROM prot.docs;
SET app.current_tenant_id TO 'globex';
SELECT count(*) FROM prot.docs;
""") == [str(TENANTS["acme"]), str(TENANTS["globex"])]
    cur = database.cursor()
    cur.execute("SELECT count(*) FROM rls_audit() WHERE check_name = 'tenant_context_spoofable'")
    assert cur.fetchone()[0] >= 1


def test_protected_mode_refuses_every_spoofing_route(protected):
    app = db_connect(APP)
    cur = app.cursor()
    try:
        cur.execute("SELECT set_tenant_context('acme')")

        def seen():
            cur.execute("SELECT count(*), count(*) FILTER (WHERE tenant_id <> 'acme'), current_tenant_id() "
                        "FROM prot.docs")
            return cur.fetchone()

        assert seen() == (TENANTS["acme"], 0, "acme")
        routes = {
            "SET": "SET rls_fixer.tenant = 'globex'",
            "set_config": "SELECT set_config('rls_fixer.tenant', 'globex', false)",
            "RESET": "RESET rls_fixer.tenant",
            "ALTER ROLE SET": f"ALTER ROLE {APP} SET rls_fixer.tenant = 'globex'",
            "ALTER ROLE IN DATABASE SET": f"ALTER ROLE {APP} IN DATABASE {DB} SET rls_fixer.tenant = 'globex'",
            "function SET clause": "CREATE FUNCTION protx_own.spoof() RETURNS bigint LANGUAGE sql "
                                   "SET rls_fixer.tenant = 'globex' AS $$ SELECT count(*) FROM prot.docs $$",
        }
        for route, sql in routes.items():
            assert sqlstate(cur, sql) == "42501", route
            assert seen() == (TENANTS["acme"], 0, "acme"), route
        for sql in ("SET LOCAL rls_fixer.tenant = 'globex'", "SELECT set_config('rls_fixer.tenant', 'globex', true)"):
            cur.execute("BEGIN")
            assert sqlstate(cur, sql) == "42501", sql
            cur.execute("ROLLBACK")
            assert seen() == (TENANTS["acme"], 0, "acme"), sql
        # the setting the default-mode policies read still changes, and nothing reads it now
        cur.execute("SET app.current_tenant_id = 'globex'")
        assert seen() == (TENANTS["acme"], 0, "acme")
        cur.execute("SELECT current_setting('app.current_tenant_id')")
        assert cur.fetchone()[0] == "globex"
        # RESET ALL (which any role may run) clears it: fail closed
        cur.execute("RESET ALL")
        assert seen() == (0, 0, None)
    finally:
        app.close()
    cur = protected.cursor()
    cur.execute("SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
                "WHERE r.rolname = %s", [APP])
    assert cur.fetchone()[0] == 0


@pytest.mark.parametrize("route", ["SET", "SET LOCAL", "startup options"])
def test_placeholder_set_before_the_library_loads_is_discarded(protected, route):
    """A fresh connection sets rls_fixer.tenant before anything loaded the library (a plain
    placeholder then); loading it discards the value with a WARNING: zero rows."""
    conn = db_connect(APP, options="-c rls_fixer.tenant=globex") if route == "startup options" else db_connect(APP)
    cur = conn.cursor()
    try:
        if route == "SET LOCAL":
            cur.execute("BEGIN")
        if route != "startup options":
            cur.execute(f"{route} rls_fixer.tenant = 'globex'")
        cur.execute("SHOW rls_fixer.tenant")
        assert cur.fetchone()[0] == "globex", "not a placeholder: the library was already loaded"
        cur.execute("SELECT count(*) FROM prot.docs")       # the policy loads the library
        assert cur.fetchone()[0] == 0
        cur.execute("SHOW rls_fixer.tenant")
        assert cur.fetchone()[0] == ""
        assert any('permission denied to set parameter "rls_fixer.tenant"' in n for n in conn.notices), conn.notices
        if route == "SET LOCAL":
            cur.execute("COMMIT")
    finally:
        conn.close()


# --- tokens: Python standard library <-> the database -------------------------------------------

def test_python_and_database_tokens_interoperate(protected, key):
    admin = protected.cursor()
    app = db_connect(APP)
    cur = app.cursor()
    try:
        # 1, 2 and 3 bytes mod 3 (base64 padding stripped differently), UTF-8, dots and slashes,
        # the longest id allowed
        for tenant in ["a", "ab", "abc", "acme", "ÄÖÜ_tenant", "a.b:c/d-e_f", "x" * 255]:
            admin.execute("SELECT rls_fixer.sign_tenant_token(%s, '5 minutes')", [tenant])
            db_token = admin.fetchone()[0]
            assert verify_tenant_token(KEY, db_token) == tenant
            exp = int(db_token.split(".")[2])
            assert sign_tenant_token(KEY, tenant, 300, now=exp - 300) == db_token  # byte for byte
            cur.execute("SELECT set_tenant_context_signed(%s), current_tenant_id()", [token(tenant)])
            assert cur.fetchone() == (tenant, tenant)
        cur.execute("SELECT set_tenant_context_signed(%s)", [token("acme")])
        good = token("acme")
        _, t64, exp, mac = good.split(".")
        globex64 = sign_tenant_token(KEY, "globex").split(".")[1]
        refused = {
            "another tenant in the token": (f"v1.{globex64}.{exp}.{mac}", "28000"),
            "a later expiry": (f"v1.{t64}.{int(exp) + 3600}.{mac}", "28000"),
            "signed with another key": (token("globex", key=os.urandom(32)), "28000"),
            "expired": (token("globex", valid_for=-5), "28000"),
            "malformed": ("v1.x", "22023"),
            "not base64url": (f"v1.{t64}.{exp}.{mac}=", "22023"),
            "the expiry respelled with a leading zero": (f"v1.{t64}.0{exp}.{mac}", "22023"),
            "the expiry respelled with a sign": (f"v1.{t64}.+{exp}.{mac}", "22023"),
        }
        for what, (bad, code) in refused.items():
            assert sqlstate(cur, "SELECT set_tenant_context_signed(%s)", [bad]) == code, what
            cur.execute("SELECT current_tenant_id(), count(*) FROM prot.docs")
            assert cur.fetchone() == ("acme", TENANTS["acme"]), what
        # while a key is set, the plain call is refused to the app role
        assert sqlstate(cur, "SELECT set_tenant_context('globex')") == "42501"
        cur.execute("SELECT clear_tenant_context()")         # clearing needs no proof
        cur.execute("SELECT count(*) FROM prot.docs")
        assert cur.fetchone()[0] == 0
    finally:
        app.close()


# --- b. PgBouncer transaction pooling -----------------------------------------------------------

POOL_SIZE = 2
CLIENTS = 8
PER_CLIENT = 1250          # 8 x 1,250 = 10,000 transactions
LEAK_TIME_LIMIT = 55.0     # seconds; the run stops by itself at this bound (and then fails)
# (query, with a tenant, end): half SQL, half the cached PL/pgSQL plan; 1 in 5 tenant-less;
# 1 in 5 rolled back instead of committed
KINDS = [("sql", True, "COMMIT"), ("plpgsql", True, "COMMIT"), ("sql", True, "COMMIT"),
         ("plpgsql", True, "ROLLBACK"), ("sql", True, "ROLLBACK"), ("plpgsql", True, "COMMIT"),
         ("sql", False, "COMMIT"), ("plpgsql", True, "COMMIT"), ("sql", True, "COMMIT"),
         ("plpgsql", False, "COMMIT")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pgbouncer(protected):
    """A PgBouncer in transaction pooling for rls_protected: POOL_SIZE server connections, on a
    free port of its own (not test_pgbouncer.py's 6439)."""
    workdir = tempfile.mkdtemp(prefix="rls_pgbouncer_prot_")
    port = free_port()
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
        for path in [workdir] + [os.path.join(workdir, n) for n in os.listdir(workdir)]:
            os.chown(path, pg.pw_uid, pg.pw_gid)
        cmd += ["-u", "postgres"]
    cmd.append(os.path.join(workdir, "pgbouncer.ini"))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def log():
        try:
            with open(os.path.join(workdir, "pgbouncer.log")) as f:
                return f.read()[-3000:]
        except OSError:
            return "(no log)"

    def connect_app():
        conn = psycopg2.connect(host="127.0.0.1", port=port, user=APP, dbname=DB, connect_timeout=10)
        conn.autocommit = True  # BEGIN/COMMIT are sent explicitly
        return conn

    try:
        deadline = time.monotonic() + 15
        while True:
            assert proc.poll() is None, f"pgbouncer exited with {proc.returncode}:\n{log()}"
            try:
                connect_app().close()
                break
            except psycopg2.OperationalError:
                assert time.monotonic() < deadline, f"pgbouncer not ready in 15 s:\n{log()}"
                time.sleep(0.1)
        yield connect_app, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def test_signed_local_context_never_leaks_under_transaction_pooling(pgbouncer, key):
    connect_app, bouncer_log = pgbouncer
    tenants = list(TENANTS)
    conns = [connect_app() for _ in range(CLIENTS)]
    results, errors = [None] * CLIENTS, []
    barrier = threading.Barrier(CLIENTS)
    deadline = time.monotonic() + LEAK_TIME_LIMIT

    def client(i):
        own = tenants[i % len(tenants)]
        stats, pids = Counter(), set()
        try:
            barrier.wait(timeout=30)
            cur = conns[i].cursor()
            for j in range(PER_CLIENT):
                if time.monotonic() > deadline:
                    break
                query, with_tenant, end = KINDS[(i + j) % len(KINDS)]
                cur.execute("BEGIN")
                if with_tenant:
                    cur.execute("SELECT set_tenant_context_signed(%s, true)", [token(own, valid_for=60)])
                    if cur.fetchone()[0] != own:
                        stats["wrong_context"] += 1
                if query == "sql":
                    cur.execute("SELECT count(*), count(*) FILTER (WHERE tenant_id <> %s), pg_backend_pid() "
                                "FROM prot.docs", [own])
                    n, foreign, pid = cur.fetchone()
                else:
                    cur.execute("SELECT n, coalesce(tenants, ''), pg_backend_pid() FROM prot.docs_seen()")
                    n, seen, pid = cur.fetchone()
                    foreign = 0 if seen in ("", own) else n
                cur.execute(end)
                pids.add(pid)
                stats["done"] += 1
                stats["statements"] += 4 if with_tenant else 3
                stats[f"{query}:{'tenant' if with_tenant else 'none'}:{end}"] += 1
                stats["foreign_rows"] += foreign
                if n != (TENANTS[own] if with_tenant else 0):
                    stats["wrong_own_count"] += 1
        except Exception as e:  # reported with the client index
            errors.append(f"client {i}: {e!r}")
        results[i] = (stats, pids)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=LEAK_TIME_LIMIT + 30)
        elapsed = time.monotonic() - started
        assert not any(t.is_alive() for t in threads), "client threads did not stop"
    finally:
        for c in conns:
            c.close()
    assert not errors, f"{errors[:5]}\n{bouncer_log()}"
    total = sum((s for s, _ in results), Counter())
    server_pids = set().union(*(p for _, p in results))
    print(f"\nPgBouncer transaction pooling, {CLIENTS} clients on {POOL_SIZE} server connections: "
          f"{total['done']} signed transactions in {elapsed:.1f} s = {total['done'] / elapsed:,.0f} tx/s "
          f"({total['statements'] / elapsed:,.0f} statements/s); {dict(sorted(total.items()))}")
    assert total["done"] == CLIENTS * PER_CLIENT, f"only {total['done']} transactions in {elapsed:.1f} s"
    assert total["foreign_rows"] == 0, total
    assert total["wrong_own_count"] == 0, total
    assert total["wrong_context"] == 0, total
    for kind in {f"{q}:{'tenant' if t else 'none'}:{e}" for q, t, e in KINDS}:
        assert total[kind] > 0, (kind, total)
    assert 1 <= len(server_pids) <= POOL_SIZE, server_pids
    assert any(sum(pid in p for _, p in results) > 1 for pid in server_pids), "no server connection was shared"


# --- c. extended protocol: named prepared statements (pgbench -M prepared) ----------------------

def pgbench_script(expect_offset=0):
    """One transaction: a random tenant (or none), its signed local context, the count through a
    prepared statement and through the PL/pgSQL function; a row of another tenant, or a count
    that is not the tenant's own, aborts the client (division by zero)."""
    none = len(TENANTS)
    names = " ".join(f"WHEN {k} THEN '{t}'" for k, t in enumerate(TENANTS))
    tokens = " ".join(f"WHEN {k} THEN :tok{k}" for k in range(len(TENANTS)))
    expect = " ".join(f"WHEN :t = {k} THEN {n + expect_offset}" for k, n in enumerate(TENANTS.values()))
    return f"""\\set t random(0, {none})
BEGIN;
\\if :t < {none}
SELECT set_tenant_context_signed(CASE :t::int {tokens} END, true);
\\endif
SELECT count(*) AS n, count(*) FILTER (WHERE tenant_id IS DISTINCT FROM (CASE :t::int {names} END)) AS foreign_rows FROM prot.docs \\gset
SELECT n AS fn, (coalesce(tenants, '') = coalesce(CASE :t::int {names} END, ''))::int AS same FROM prot.docs_seen() \\gset
COMMIT;
\\set expect CASE {expect} ELSE 0 END
\\if :foreign_rows <> 0 or :n <> :expect or :fn <> :expect or (:n > 0 and :same <> 1)
\\set leak 1 / 0
\\endif
"""


def run_pgbench(tmp_path, script, clients, per_client, env=None):
    path = tmp_path / "switch.sql"
    path.write_text(script)
    toks = [f"tok{k}={token(t, valid_for=600)}" for k, t in enumerate(TENANTS)]
    cmd = [PGBENCH, "-n", "-M", "prepared", "-h", SOCK, "-p", str(PORT), "-U", APP,
           "-c", str(clients), "-j", str(min(clients, 2)), "-t", str(per_client), "-f", str(path)]
    for t in toks:
        cmd += ["-D", t]
    return subprocess.run(cmd + [DB], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **(env or {})))


def test_detector_of_the_pgbench_script_fires(protected, key, tmp_path):
    """Negative control: with an expected count off by one, the script aborts the client."""
    out = run_pgbench(tmp_path, pgbench_script(expect_offset=1), clients=1, per_client=20)
    assert out.returncode != 0, out.stdout + out.stderr
    assert "division by zero" in out.stderr, out.stderr


@pytest.mark.parametrize("plan_cache_mode", ["auto", "force_generic_plan"])
def test_named_prepared_statements_switching_tenants_never_leak(protected, key, tmp_path, plan_cache_mode):
    env = {"PGOPTIONS": f"-c plan_cache_mode={plan_cache_mode}"}
    started = time.monotonic()
    out = run_pgbench(tmp_path, pgbench_script(), clients=4, per_client=2500, env=env)
    elapsed = time.monotonic() - started
    assert out.returncode == 0, out.stdout + out.stderr
    assert "query mode: prepared" in out.stdout, out.stdout
    assert "number of transactions actually processed: 10000/10000" in out.stdout, out.stdout
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    assert failed is None or int(failed.group(1)) == 0, out.stdout
    tps = re.search(r"tps = ([\d.]+)", out.stdout)
    print(f"\npgbench -M prepared, plan_cache_mode={plan_cache_mode}: 10000 transactions switching "
          f"among {len(TENANTS)} tenants and none in {elapsed:.1f} s, tps = {tps.group(1) if tps else '?'}")


# --- d. parallel query ---------------------------------------------------------------------------

def test_parallel_query_sees_only_the_tenant(protected, key):
    app = db_connect(APP)
    cur = app.cursor()
    try:
        # force_parallel_mode is debug_parallel_query since 16
        force = "debug_parallel_query" if app.server_version >= 160000 else "force_parallel_mode"
        for setting in ("parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0",
                        "max_parallel_workers_per_gather = 2", f"{force} = on",
                        "enable_indexscan = off", "enable_bitmapscan = off", "plan_cache_mode = force_generic_plan"):
            cur.execute(f"SET {setting}")
        cur.execute("PREPARE q AS SELECT count(*), min(tenant_id), max(tenant_id) FROM prot.big")
        for tenant, n in list(BIG.items()) + [("acme", BIG["acme"])]:
            cur.execute("BEGIN")
            cur.execute("SELECT set_tenant_context_signed(%s, true)", [token(tenant)])
            cur.execute("EXPLAIN (COSTS OFF, VERBOSE) SELECT count(*) FROM prot.big")
            plan = "\n".join(r[0] for r in cur.fetchall())
            assert "Gather" in plan and f"Filter: (big.tenant_id = '{tenant}'::text)" in plan, plan
            cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM prot.big")
            analyzed = "\n".join(r[0] for r in cur.fetchall())
            launched = re.search(r"Workers Launched: (\d+)", analyzed)
            assert launched and int(launched.group(1)) >= 1, analyzed
            cur.execute("SELECT count(*), count(*) FILTER (WHERE tenant_id <> %s) FROM prot.big", [tenant])
            assert cur.fetchone() == (n, 0), tenant
            cur.execute("SELECT tenant_id, count(*) FROM prot.big GROUP BY 1")
            assert cur.fetchall() == [(tenant, n)]
            # the workers themselves know the tenant
            cur.execute("SELECT prot.worker_tenant(), count(*) FROM prot.big GROUP BY 1")
            assert cur.fetchall() == [(tenant, n)]
            # a generic prepared plan (parallel too) rebuilt per tenant
            cur.execute("EXECUTE q")
            assert cur.fetchone() == (n, tenant, tenant)
            cur.execute("COMMIT")
        cur.execute("SELECT count(*) FROM prot.big")
        assert cur.fetchone()[0] == 0
        cur.execute("EXECUTE q")
        assert cur.fetchone() == (0, None, None)
    finally:
        app.close()


# --- f. key rotation, live ----------------------------------------------------------------------

def test_key_rotation_reaches_existing_connections(protected):
    """Connection A (the app) stays open; connection B (a superuser) rotates the key. A sees the
    new key at once (its cached keys are invalidated across backends), keeps accepting tokens of
    the previous key during its grace period, refuses them after an immediate rotation, and gets
    the plain call back when B drops the keys."""
    k1, k2, k3 = os.urandom(32), os.urandom(32), os.urandom(32)
    b = protected.cursor()
    app = db_connect(APP)
    a = app.cursor()

    def as_a(tok):
        """A's context with this token: (tenant, rows seen), or the SQLSTATE of the refusal."""
        code = sqlstate(a, "SELECT set_tenant_context_signed(%s)", [tok])
        if code is not None:
            return code
        a.execute("SELECT current_tenant_id(), count(*) FROM prot.docs")
        return a.fetchone()

    try:
        b.execute("SELECT rls_fixer.set_context_key(%s)", [k1])
        assert as_a(token("acme", k1)) == ("acme", TENANTS["acme"])     # A has now cached k1
        assert sqlstate(a, "SELECT set_tenant_context('globex')") == "42501"

        b.execute("SELECT rls_fixer.set_context_key(%s)", [k2])          # default grace: 15 minutes
        assert as_a(token("globex", k1)) == ("globex", TENANTS["globex"]), "previous key in its grace period"
        assert as_a(token("initech", k2)) == ("initech", TENANTS["initech"]), "new key not seen by A"
        assert sqlstate(a, "SELECT set_tenant_context('acme')") == "42501"

        b.execute("SELECT rls_fixer.set_context_key(%s, '0 seconds')", [k3])  # a leaked key: retire at once
        assert as_a(token("acme", k2)) == "28000"
        assert as_a(token("umbrella", k3)) == ("umbrella", TENANTS["umbrella"])
        a.execute("SELECT current_tenant_id()")
        assert a.fetchone()[0] == "umbrella"

        b.execute("SELECT rls_fixer.drop_context_keys()")
        a.execute("SELECT set_tenant_context('acme')")                    # plain call allowed again
        a.execute("SELECT current_tenant_id(), count(*) FROM prot.docs")
        assert a.fetchone() == ("acme", TENANTS["acme"])
        assert sqlstate(a, "SELECT set_tenant_context_signed(%s)", [token("globex", k3)]) == "55000"
    finally:
        app.close()
        b.execute("SELECT rls_fixer.drop_context_keys()")


def test_immediate_rotation_retires_every_older_key(protected):
    k1, k2, k3 = os.urandom(32), os.urandom(32), os.urandom(32)
    b = protected.cursor()
    app = db_connect(APP)
    try:
        b.execute("SELECT rls_fixer.set_context_key(%s)", [k1])
        b.execute("SELECT rls_fixer.set_context_key(%s)", [k2])              # k1: 15 minutes of grace
        b.execute("SELECT rls_fixer.set_context_key(%s, '0 seconds')", [k3])  # "retires the old key at once"
        assert sqlstate(app.cursor(), "SELECT set_tenant_context_signed(%s)", [token("acme", k1)]) == "28000"
    finally:
        app.close()
        b.execute("SELECT rls_fixer.drop_context_keys()")


def test_sql_function_plans_follow_a_tenant_switch_inside_a_transaction(protected):
    """A batch job that walks the tenants in one transaction (or one statement) and calls an SQL
    function must see each tenant's rows, and none after clearing."""
    admin = protected.cursor()
    admin.execute("""
CREATE OR REPLACE FUNCTION prot.docs_seen_sql() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT count(*) || ' of ' || coalesce(string_agg(DISTINCT tenant_id, ','), '-') FROM prot.docs $$;
CREATE OR REPLACE FUNCTION prot.docs_seen_wrapped() RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN RETURN prot.docs_seen_sql(); END $$;
""")
    app = db_connect(APP)
    cur = app.cursor()
    try:
        cur.execute("BEGIN")
        cur.execute("SELECT t, set_tenant_context(t, true), prot.docs_seen_sql() "
                    "FROM (VALUES ('acme'), ('globex')) v(t)")
        rows = cur.fetchall()
        cur.execute("ROLLBACK")
        seen = []
        cur.execute("BEGIN")
        for tenant in ("acme", "globex", None):
            if tenant is None:
                cur.execute("SELECT clear_tenant_context(true)")
            else:
                cur.execute("SELECT set_tenant_context(%s, true)", [tenant])
            cur.execute("SELECT prot.docs_seen_wrapped()")
            seen.append(cur.fetchone()[0])
        cur.execute("ROLLBACK")
        assert [r[2] for r in rows] == ["3 of acme", "5 of globex"]
        assert seen == ["3 of acme", "5 of globex", "0 of -"]
    finally:
        app.close()
