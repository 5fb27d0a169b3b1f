"""The guide's isolation test, typed into psql as a non-superuser application role:

    SET app.current_tenant_id TO 'tenant1';
    SELECT count(*) FROM orders;
"""
import subprocess

import pytest

from conftest import protected_tenant_table, DB, PORT, SOCK, connect

APP_ROLE = "psqliso_app"     # names unique to this file: the test files share one database
TABLE = "psqliso_orders"
SEED = {"tenant1": 3, "tenant2": 5}


def psql(script, user=APP_ROLE, stop_on_error=True):
    """Run a psql script (statements one by one, as typed) unaligned and tuples-only."""
    args = ["psql", "-X", "-q", "-A", "-t", "-h", SOCK, "-p", str(PORT), "-U", user, "-d", DB, "-f", "-"]
    if stop_on_error:
        args[1:1] = ["-v", "ON_ERROR_STOP=1"]
    return subprocess.run(args, input=script, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module", autouse=True)
def schema():
    admin = connect()
    cur = admin.cursor()
    protected_tenant_table(cur, TABLE, APP_ROLE, SEED, "item")
    cur.execute(f"GRANT SELECT, INSERT ON {TABLE} TO {APP_ROLE}")
    cur.execute(f"GRANT USAGE ON SEQUENCE {TABLE}_id_seq TO {APP_ROLE}")
    yield
    admin.close()


def test_guide_isolation_test_counts_only_the_tenants_rows():
    out = psql(f"""
SET app.current_tenant_id TO 'tenant1';
SELECT count(*) FROM {TABLE};
SET app.current_tenant_id TO 'tenant2';
SELECT count(*) FROM {TABLE};
SET app.current_tenant_id TO 'tenant3';
SELECT count(*) FROM {TABLE};
SET app.current_tenant_id TO '';
SELECT count(*) FROM {TABLE};
RESET app.current_tenant_id;
SELECT count(*) FROM {TABLE};
""")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3", "5", "0", "0", "0"]


def test_set_tenant_context_matches_the_guide_and_current_tenant_id():
    out = psql(f"""
SELECT count(*), current_tenant_id() IS NULL FROM {TABLE};
SELECT set_tenant_context('tenant1');
SELECT current_tenant_id(), current_setting('app.current_tenant_id'), count(*) FROM {TABLE};
SELECT clear_tenant_context();
SELECT count(*), current_tenant_id() IS NULL FROM {TABLE};
""")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0|t", "tenant1", "tenant1|tenant1|3", "0|t"]


def test_superuser_bypasses_rls_so_the_zeros_above_are_not_an_empty_table():
    out = psql(f"SELECT count(*) FROM {TABLE};", user="postgres")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(sum(SEED.values()))]


def test_app_role_cannot_write_another_tenants_row():
    out = psql(f"""
SET app.current_tenant_id TO 'tenant1';
INSERT INTO {TABLE} (tenant_id, item) VALUES ('tenant2', 'planted');
""")
    assert out.returncode != 0
    assert f'new row violates row-level security policy for table "{TABLE}"' in out.stderr
    out = psql(f"INSERT INTO {TABLE} (tenant_id, item) VALUES ('tenant1', 'no tenant set');")
    assert out.returncode != 0
    assert "row-level security" in out.stderr
    assert psql(f"SELECT count(*) FROM {TABLE};", user="postgres").stdout.split() == [str(sum(SEED.values()))]


def test_refused_tenant_ids_leave_the_context_unchanged():
    out = psql(f"""
\\set VERBOSITY verbose
SELECT set_tenant_context('tenant1');
SELECT set_tenant_context('a;b');
SELECT set_tenant_context('');
SELECT set_tenant_context(NULL);
SELECT set_tenant_context('tenant2', true);
SELECT current_tenant_id(), count(*) FROM {TABLE};
""", stop_on_error=False)
    assert out.stdout.split() == ["tenant1", "tenant1|3"], out.stdout + out.stderr
    errors = [l for l in out.stderr.splitlines() if "ERROR:" in l]
    assert len(errors) == 4, out.stderr
    assert all("22023" in e for e in errors[:3]), errors
    assert "25P01" in errors[3], errors  # is_local => true outside a transaction block
