"""The Django example (examples/django) as a real server against the test cluster.

Migrations run as the superuser, then rls_fix(false) protects notes_note, then Django's own
runserver serves the app as a non-superuser role over loopback TCP, and the tests talk HTTP to it.
runserver --nothreading handles every request on one thread, so with CONN_MAX_AGE > 0 every request
reuses one database connection: the case where a forgotten tenant context would leak.
"""
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import DB, PORT, REPO, connect

APP_ROLE = "djnotes_app"  # unique to this file: the test files share one database
EXAMPLE = os.path.join(REPO, "examples", "django")
sys.path.insert(0, EXAMPLE)
from tenant_token import sign_tenant_token  # noqa: E402
SEED = {"acme": 3, "globex": 2}
BAD_IDS = ["a;b", "x'y", "back\\slash", "t" * 256]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_env(user, **extra):
    env = dict(os.environ, DB_HOST="127.0.0.1", DB_PORT=str(PORT), DB_NAME=DB, DB_USER=user,
               PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def counts(admin):
    """Rows per tenant as the superuser sees them (superusers bypass RLS)."""
    with admin.cursor() as cur:
        cur.execute("SELECT tenant_id, count(*) FROM notes_note GROUP BY tenant_id")
        return dict(cur.fetchall())


class Server:
    def __init__(self, base, log_path):
        self.base, self.log_path = base, log_path

    def log(self):
        with open(self.log_path) as f:
            return f.read()[-4000:]

    def request(self, tenant=None, method="GET", data=None, token=None):
        """(status, decoded JSON body) for /notes/, with X-Tenant-ID when tenant is given (and
        X-Tenant-Token when token is)."""
        req = urllib.request.Request(self.base + "/notes/", method=method,
                                     data=None if data is None else json.dumps(data).encode())
        if tenant is not None:
            req.add_header("X-Tenant-ID", tenant)
        if token is not None:
            req.add_header("X-Tenant-Token", token)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        try:
            return status, json.loads(body)
        except ValueError:
            pytest.fail(f"non-JSON {status} response: {body[:300]!r}\nserver log:\n{self.log()}")

    def get(self, tenant=None):
        status, body = self.request(tenant)
        assert status == 200, f"GET as {tenant!r}: {status} {body}\nserver log:\n{self.log()}"
        return body


@contextlib.contextmanager
def django_server(tmp_path, conn_max_age=0, atomic=False, **extra_env):
    """`manage.py runserver` of the example, connecting as APP_ROLE; stopped on exit."""
    port = free_port()
    log_path = tmp_path / f"runserver-{port}.log"
    env = django_env(APP_ROLE, DB_CONN_MAX_AGE=conn_max_age, RLS_ATOMIC_REQUESTS=1 if atomic else 0, **extra_env)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
            cwd=EXAMPLE, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, f"runserver exited with {proc.returncode}:\n{server.log()}"
            assert time.monotonic() < deadline, f"runserver did not answer in 30 s:\n{server.log()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def admin_conn():
    """Schema by Django's migrations as superuser, rls_fix(false), the app role, seed rows."""
    admin = connect()
    cur = admin.cursor()
    cur.execute("DROP TABLE IF EXISTS notes_note")
    cur.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if cur.fetchone()[0]:
        cur.execute("DELETE FROM django_migrations WHERE app = 'notes'")
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
    if cur.fetchone():
        cur.execute(f"DROP OWNED BY {APP_ROLE}")
        cur.execute(f"DROP ROLE {APP_ROLE}")

    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=EXAMPLE,
                             env=django_env("postgres"), capture_output=True, text=True, timeout=120)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "Applying notes.0001_initial... OK" in migrate.stdout

    cur.execute("SELECT object_name, statement, applied FROM rls_fix(false)")
    fixed = [r for r in cur.fetchall() if r[0] == "public.notes_note"]
    assert fixed and all(applied for _, _, applied in fixed), fixed
    cur.execute("""SELECT c.relrowsecurity, c.relforcerowsecurity, count(p.*)
                   FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
                   WHERE c.oid = 'public.notes_note'::regclass GROUP BY 1, 2""")
    assert cur.fetchone() == (True, True, 1)

    cur.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
    cur.execute(f"GRANT SELECT, INSERT ON notes_note TO {APP_ROLE}")
    # runserver reads django_migrations at start-up to warn about unapplied migrations
    cur.execute(f"GRANT SELECT ON django_migrations TO {APP_ROLE}")
    for tenant, n in SEED.items():
        for i in range(n):
            cur.execute("INSERT INTO notes_note (tenant_id, body) VALUES (%s, %s)", [tenant, f"seed {i}"])
    assert counts(admin) == SEED
    yield admin
    admin.close()


@pytest.fixture
def restore_seed(admin_conn):
    """Tests that create notes leave the seed rows as they found them."""
    yield admin_conn
    with admin_conn.cursor() as cur:
        cur.execute("DELETE FROM notes_note WHERE body NOT LIKE 'seed %'")
    assert counts(admin_conn) == SEED


def backend_state(admin, pid):
    with admin.cursor() as cur:
        cur.execute("SELECT usename, state FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone()


def test_each_request_sees_only_its_tenants_rows(admin_conn, tmp_path):
    with django_server(tmp_path, conn_max_age=0) as srv:
        pids = []
        for tenant in ["acme", "globex", "initech", "acme", "globex"]:
            body = srv.get(tenant)
            expected = SEED.get(tenant, 0)
            assert body["tenant"] == tenant
            assert body["count"] == expected
            assert body["tenant_ids"] == ([tenant] if expected else [])
            assert body["in_atomic_block"] is False
            pids.append(body["backend_pid"])
    # CONN_MAX_AGE = 0: Django opened a new connection (a new backend) for every request
    assert len(set(pids)) == len(pids), pids


def test_request_without_tenant_sees_no_rows_and_cannot_create(restore_seed, tmp_path):
    admin = restore_seed
    with django_server(tmp_path, conn_max_age=0) as srv:
        body = srv.get(None)
        assert (body["tenant"], body["count"], body["tenant_ids"]) == (None, 0, [])

        # no tenant anywhere: the application itself refuses
        assert srv.request(None, "POST", {"body": "orphan"})[0] == 400
        # a tenant named in the body but no tenant context: the policy's WITH CHECK refuses
        status, body = srv.request(None, "POST", {"body": "sneaky", "tenant_id": "acme"})
        assert status == 403, body
        assert "row-level security" in body["error"]
    assert counts(admin) == SEED


def test_tenant_can_create_only_its_own_rows(restore_seed, tmp_path):
    admin = restore_seed
    with django_server(tmp_path, conn_max_age=0) as srv:
        status, body = srv.request("acme", "POST", {"body": "cross-tenant", "tenant_id": "globex"})
        assert status == 403, body
        assert "row-level security" in body["error"]
        assert counts(admin) == SEED

        status, body = srv.request("acme", "POST", {"body": "mine"})
        assert (status, body["tenant_id"]) == (201, "acme"), body
        assert counts(admin) == {"acme": SEED["acme"] + 1, "globex": SEED["globex"]}
        assert srv.get("acme")["count"] == SEED["acme"] + 1
        assert srv.get("globex")["count"] == SEED["globex"]


@pytest.mark.parametrize("atomic", [False, True], ids=["session", "atomic"])
def test_malformed_tenant_header_is_refused_with_400(admin_conn, tmp_path, atomic):
    with django_server(tmp_path, conn_max_age=600, atomic=atomic) as srv:
        before = srv.get("acme")
        for bad in BAD_IDS:
            status, body = srv.request(bad)
            assert status == 400, body
            assert "tenant id" in body["error"]
            # the refused id changed nothing: the next tenant-less request has no context
            after = srv.get(None)
            assert (after["tenant"], after["count"]) == (None, 0)
            assert after["backend_pid"] == before["backend_pid"]


def test_persistent_connection_alternating_tenants_never_leak(restore_seed, tmp_path):
    """Session-level set_tenant_context + clear_tenant_context() in `finally`, one connection."""
    admin = restore_seed
    cycle = ["acme", "globex", None, "acme", None, "globex", "initech"]
    seen = []
    with django_server(tmp_path, conn_max_age=600) as srv:
        for i in range(84):  # 12 rounds of the cycle
            tenant = cycle[i % len(cycle)]
            body = srv.get(tenant)
            expected = SEED.get(tenant, 0)
            assert body["tenant"] == tenant, (i, body)
            assert body["count"] == expected, (i, body)
            assert body["tenant_ids"] == ([tenant] if expected else []), (i, body)
            seen.append(body["backend_pid"])
            if i % 10 == 5:  # error paths on the same connection: refused write, refused id
                assert srv.request(tenant, "POST", {"body": "x", "tenant_id": "other"})[0] == 403
                assert srv.request("bad;id")[0] == 400
        assert len(set(seen)) == 1, f"expected one reused connection, got backends {sorted(set(seen))}"
        assert backend_state(admin, seen[0]) == (APP_ROLE, "idle")
    assert counts(admin) == SEED


def test_atomic_requests_local_context_ends_with_the_request(restore_seed, tmp_path):
    """ATOMIC_REQUESTS variant: set_tenant_context(id, true), no clear; the context must not
    outlive the request transaction on the reused connection."""
    admin = restore_seed
    cycle = ["acme", None, "globex", None, "globex", "acme"]
    seen = []
    with django_server(tmp_path, conn_max_age=600, atomic=True) as srv:
        for i in range(60):
            tenant = cycle[i % len(cycle)]
            body = srv.get(tenant)
            expected = SEED.get(tenant, 0)
            assert body["in_atomic_block"] is True, body
            assert body["tenant"] == tenant, (i, body)
            assert body["count"] == expected, (i, body)
            assert body["tenant_ids"] == ([tenant] if expected else []), (i, body)
            seen.append(body["backend_pid"])
        assert len(set(seen)) == 1, f"expected one reused connection, got backends {sorted(set(seen))}"
        # between requests the connection is outside any transaction, so no SET LOCAL is alive
        assert backend_state(admin, seen[0]) == (APP_ROLE, "idle")

        # writes commit with the request; a refused write rolls back only its savepoint
        status, body = srv.request("globex", "POST", {"body": "atomic note"})
        assert (status, body["tenant_id"]) == (201, "globex"), body
        status, body = srv.request("globex", "POST", {"body": "x", "tenant_id": "acme"})
        assert status == 403, body
        assert counts(admin) == {"acme": SEED["acme"], "globex": SEED["globex"] + 1}
        after = srv.get(None)
        assert (after["tenant"], after["count"], after["backend_pid"]) == (None, 0, seen[0])


NAIVE_ATOMIC_MIDDLEWARE = '''
import sys, types
from django.db import connection
from django.test import Client, override_settings

class NaiveMiddleware:
    """set_tenant_context(id, true) straight in a middleware, trusting ATOMIC_REQUESTS."""
    def __init__(self, get_response):
        self.get_response = get_response
    def __call__(self, request):
        print("in_atomic_block", connection.in_atomic_block)
        with connection.cursor() as cur:
            cur.execute("SELECT set_tenant_context(%s, true)", [request.headers["X-Tenant-ID"]])
        return self.get_response(request)

module = types.ModuleType("naive_tenant_middleware")
module.NaiveMiddleware = NaiveMiddleware
sys.modules[module.__name__] = module
with override_settings(MIDDLEWARE=["naive_tenant_middleware.NaiveMiddleware"]):
    try:
        Client().get("/notes/", HTTP_X_TENANT_ID="acme")
    except Exception as exc:
        print("sqlstate", getattr(exc.__cause__, "pgcode", None))
    else:
        print("no error")
'''


def test_atomic_requests_does_not_cover_middleware(admin_conn):
    """Why AtomicTenantContextMiddleware opens the transaction itself: Django's ATOMIC_REQUESTS
    wraps only the view, so a middleware that calls set_tenant_context(id, true) runs in
    autocommit and gets SQLSTATE 25P01 instead of a tenant context."""
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", NAIVE_ATOMIC_MIDDLEWARE], cwd=EXAMPLE,
                         env=django_env(APP_ROLE, RLS_ATOMIC_REQUESTS=1), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()  # Django 5.2's shell may print an import note first
    assert "in_atomic_block False" in lines, out.stdout + out.stderr
    assert "sqlstate 25P01" in lines, out.stdout + out.stderr


# --- signed tenant contexts: protected mode + a context key ---------------------------------------

@pytest.fixture
def signed_db(admin_conn):
    """notes_note switched to protected mode (an rls_fix run, undone afterwards) and a context
    key set: the app role must prove its tenant with a token signed with the key."""
    key = os.urandom(32)
    conn = connect()
    cur = conn.cursor()
    cur.execute("SET rls_fixer.context_mode = protected")
    cur.execute("SET rls_fixer.schemas = 'public'")
    cur.execute("SELECT object_name, applied FROM rls_fix(false)")
    fixed = cur.fetchall()
    assert ("public.notes_note", True) in fixed, fixed
    cur.execute("SELECT max(run_id) FROM rls_fixer.fix_run WHERE NOT dry_run")
    run_id = cur.fetchone()[0]
    cur.execute("SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = 'notes_note'::regclass")
    assert cur.fetchall() == [("(tenant_id = rls_fixer.tenant())",)]
    cur.execute("SELECT rls_fixer.set_context_key(%s)", [key])
    try:
        yield key
    finally:
        cur.execute("SELECT rls_fixer.drop_context_keys()")
        cur.execute("SELECT count(*) FROM rls_undo(%s)", [run_id])
        assert cur.fetchone()[0] > 0
        cur.execute("SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = 'notes_note'::regclass")
        assert "current_setting" in cur.fetchone()[0]
        conn.close()


@pytest.mark.parametrize("atomic", [False, True], ids=["session", "atomic"])
def test_signed_contexts_each_request_sees_only_its_tenant(signed_db, tmp_path, atomic):
    """RLS_CONTEXT_KEY set: the middleware mints a token per request and calls
    set_tenant_context_signed() (the plain call would be refused: a key is set)."""
    cycle = ["acme", "globex", None, "initech", "acme", None, "globex"]
    seen = []
    with django_server(tmp_path, conn_max_age=600, atomic=atomic, RLS_CONTEXT_KEY=signed_db.hex()) as srv:
        for i in range(35):
            tenant = cycle[i % len(cycle)]
            body = srv.get(tenant)
            expected = SEED.get(tenant, 0)
            assert body["tenant"] == tenant, (i, body)
            assert body["count"] == expected, (i, body)
            assert body["tenant_ids"] == ([tenant] if expected else []), (i, body)
            assert body["in_atomic_block"] is atomic
            seen.append(body["backend_pid"])
        assert len(set(seen)) == 1, f"expected one reused connection, got backends {sorted(set(seen))}"
        # the policy's WITH CHECK still holds (nothing is written)
        status, body = srv.request("acme", "POST", {"body": "x", "tenant_id": "globex"})
        assert status == 403, body


@pytest.mark.parametrize("atomic", [False, True], ids=["session", "atomic"])
def test_signed_contexts_refuse_tampered_tokens(signed_db, tmp_path, atomic):
    """A token from upstream (X-Tenant-Token) goes to the database as is: a tampered, foreign,
    expired or malformed one gets an error response, never data, and leaves no context."""
    key = signed_db
    good = sign_tenant_token(key, "acme", 60)
    _, acme64, exp, mac = good.split(".")
    globex64 = sign_tenant_token(key, "globex").split(".")[1]
    refused = {
        "tenant swapped": f"v1.{globex64}.{exp}.{mac}",
        "expiry extended": f"v1.{acme64}.{int(exp) + 3600}.{mac}",
        "signature altered": f"v1.{acme64}.{exp}.{mac[:-2]}{'AA' if mac[-2:] != 'AA' else 'BB'}",
        "another key": sign_tenant_token(os.urandom(32), "globex", 60),
        "expired": sign_tenant_token(key, "globex", -10),
    }
    with django_server(tmp_path, conn_max_age=600, atomic=atomic, RLS_CONTEXT_KEY=key.hex()) as srv:
        status, body = srv.request(token=good)
        assert status == 200 and (body["tenant"], body["count"]) == ("acme", SEED["acme"]), body
        pid = body["backend_pid"]
        for what, tok in refused.items():
            for tenant_header in (None, "globex"):   # the token wins over the header
                status, body = srv.request(tenant_header, token=tok)
                assert status == 403, (what, body)
                assert body["sqlstate"] == "28000", (what, body)
                assert set(body) == {"error", "sqlstate"}, (what, body)
                after = srv.get(None)   # nothing left behind on the reused connection
                assert (after["tenant"], after["count"], after["backend_pid"]) == (None, 0, pid), (what, after)
        status, body = srv.request(token="v1.not-a-token")
        assert (status, body["sqlstate"]) == (400, "22023"), body
        assert srv.get("globex")["count"] == SEED["globex"]


def test_without_the_key_the_application_cannot_fall_back(signed_db, tmp_path):
    """An application (or injected code) without the key cannot use the plain call: refused
    with SQLSTATE 42501, so the request fails instead of serving data."""
    with django_server(tmp_path, conn_max_age=0) as srv:
        req = urllib.request.Request(srv.base + "/notes/", headers={"X-Tenant-ID": "acme"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 500
        deadline = time.monotonic() + 5
        while "requires signed tenant contexts" not in srv.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "requires signed tenant contexts" in srv.log()
