"""rls_fix under real concurrency: batches with the default max_locks_per_transaction, a busy
table (lock timeout names it, nothing applied), and a backend killed mid-apply."""
import shutil
import threading
import time

import psycopg2
import pytest

from conftest import connect


def rls_state(cur, schema):
    cur.execute(
        "SELECT count(*) FILTER (WHERE relrowsecurity), count(*) FILTER (WHERE relforcerowsecurity), "
        "(SELECT count(*) FROM pg_policy p JOIN pg_class c2 ON c2.oid = p.polrelid WHERE c2.relnamespace = %s::regnamespace) "
        "FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r'",
        [schema, schema],
    )
    return cur.fetchone()


@pytest.fixture
def tables():
    conn = connect()
    cur = conn.cursor()
    cur.execute("DROP SCHEMA IF EXISTS rel CASCADE")
    cur.execute("CREATE SCHEMA rel")
    for i in range(20):
        cur.execute(f"CREATE TABLE rel.t{i} (tenant_id text NOT NULL, v int)")
        cur.execute(f"CREATE INDEX ON rel.t{i} (tenant_id)")
    yield conn
    cur.execute("DROP SCHEMA rel CASCADE")
    conn.close()


def test_batched_fix_with_default_lock_limits():
    conn = connect()
    cur = conn.cursor()
    cur.execute("SHOW max_locks_per_transaction")
    assert cur.fetchone()[0] == "64"
    # 1,200 new-table WARNINGs from the event trigger would push the batch NOTICEs out of
    # psycopg2's notice buffer (the last 50): the event trigger has its own tests
    cur.execute("SET rls_fixer.on_new_tenant_table = off")
    cur.execute("DROP SCHEMA IF EXISTS bat CASCADE")
    cur.execute("CREATE SCHEMA bat")
    # 1,200 tenant tables: 3,600 statements, more than one transaction could lock at once
    cur.execute(
        "SELECT format('CREATE TABLE bat.t%s (tenant_id text NOT NULL)', i) FROM generate_series(1, 1200) i"
    )
    for (ddl,) in cur.fetchall():
        cur.execute(ddl)
    cur.execute("SET rls_fixer.schemas = 'bat'")
    notices_before = len(conn.notices)
    cur.execute("CALL rls_fix_batched(500)")
    notices = [n for n in conn.notices[notices_before:] if "rls_fix_batched" in n]
    assert len([n for n in notices if "batch " in n]) == 3, notices
    cur.execute("SELECT count(*) FROM rls_fix(true)")
    assert cur.fetchone()[0] == 0
    assert rls_state(cur, "bat") == (1200, 1200, 1200)
    cur.execute("SELECT count(*), sum(statement_count) FROM rls_fixer.fix_run WHERE batched")
    runs, stmts = cur.fetchone()
    assert runs >= 3 and stmts >= 3600
    # re-running after completion does nothing
    cur.execute("CALL rls_fix_batched(500)")
    cur.execute("RESET rls_fixer.schemas")
    cur.execute("DROP SCHEMA bat CASCADE")
    conn.close()


def test_busy_table_times_out_naming_it_and_applies_nothing(tables):
    holder = connect(autocommit=False)
    hcur = holder.cursor()
    hcur.execute("SELECT count(*) FROM rel.t7")  # holds AccessShareLock until rollback
    conn = connect()
    cur = conn.cursor()
    cur.execute("SET rls_fixer.schemas = 'rel'")
    cur.execute("SET rls_fixer.lock_timeout = '300ms'")
    with pytest.raises(psycopg2.Error) as err:
        cur.execute("SELECT * FROM rls_fix(false)")
    assert err.value.pgcode == "55P03"
    assert "rel.t7 is busy" in str(err.value) and "nothing was applied" in str(err.value)
    assert rls_state(cur, "rel") == (0, 0, 0)
    holder.rollback()
    holder.close()
    # retry is safe
    cur.execute("SELECT count(*) FROM rls_fix(false)")
    assert cur.fetchone()[0] == 60
    assert rls_state(cur, "rel") == (20, 20, 20)
    cur.execute("SHOW lock_timeout")
    assert cur.fetchone()[0] == "0", "lock_timeout is only set while rls_fix runs"


def test_backend_killed_mid_apply_leaves_nothing_half_applied(tables):
    admin = connect()
    acur = admin.cursor()
    acur.execute("SELECT coalesce(max(run_id), 0) FROM rls_fixer.fix_run")
    last_run = acur.fetchone()[0]
    holder = connect(autocommit=False)
    holder.cursor().execute("SELECT count(*) FROM rel.t15")
    fixer = connect()
    fcur = fixer.cursor()
    fcur.execute("SELECT pg_backend_pid()")
    pid = fcur.fetchone()[0]
    fcur.execute("SET rls_fixer.schemas = 'rel'")
    fcur.execute("SET rls_fixer.lock_timeout = '60s'")
    errors = []

    def run():
        try:
            fcur.execute("SELECT * FROM rls_fix(false)")
        except psycopg2.Error as e:
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    # wait until the fixer is blocked on rel.t15, tables before it already altered in its transaction
    for _ in range(100):
        acur.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        r = acur.fetchone()
        if r and r[0] == "Lock":
            break
        time.sleep(0.1)
    acur.execute("SELECT pg_terminate_backend(%s)", [pid])
    t.join(30)
    assert errors, "the fixer's statement should fail when its backend is terminated"
    holder.rollback()
    holder.close()
    assert rls_state(acur, "rel") == (0, 0, 0)
    acur.execute("SELECT count(*) FROM rls_fixer.fix_run WHERE run_id > %s", [last_run])
    assert acur.fetchone()[0] == 0, "no run was recorded for the killed apply"
    admin.close()


def test_fix_under_pgbench_write_load_loses_no_writes(tmp_path):
    """rls_fix(false) while pgbench inserts into the tenant tables as the app role: every
    committed write is there exactly once, and rls_fix succeeds (or fails cleanly on a busy
    table, then succeeds on retry)."""
    import re
    import subprocess

    from conftest import PORT, SOCK, DB

    admin = connect()
    cur = admin.cursor()
    cur.execute("DROP SCHEMA IF EXISTS load CASCADE")
    cur.execute("DROP ROLE IF EXISTS load_app")
    cur.execute("CREATE ROLE load_app LOGIN")
    cur.execute("CREATE SCHEMA load")
    cur.execute("GRANT USAGE ON SCHEMA load TO load_app")
    scripts = []
    for i in range(6):
        cur.execute(f"CREATE TABLE load.t{i} (id bigserial PRIMARY KEY, tenant_id text NOT NULL, v int)")
        cur.execute(f"CREATE INDEX ON load.t{i} (tenant_id)")
        f = tmp_path / f"t{i}.sql"
        f.write_text(
            "\\set tn random(1, 3)\n"
            "BEGIN;\n"
            "SELECT set_tenant_context('tenant' || :tn, true);\n"
            f"INSERT INTO load.t{i} (tenant_id, v) VALUES ('tenant' || :tn, :client_id);\n"
            "COMMIT;\n"
        )
        scripts += ["-f", str(f)]
    cur.execute("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA load TO load_app")
    cur.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA load TO load_app")
    bench = subprocess.Popen(
        [shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench", "-n", "-h", SOCK, "-p", str(PORT), "-U", "load_app",
         "-c", "4", "-j", "2", "-T", "8", *scripts, DB],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    time.sleep(2.5)
    fixer = connect()
    fcur = fixer.cursor()
    fcur.execute("SET rls_fixer.schemas = 'load'")
    applied = None
    for _ in range(10):
        try:
            fcur.execute("SELECT count(*) FROM rls_fix(false)")
            applied = fcur.fetchone()[0]
            break
        except psycopg2.Error as e:
            # the only acceptable failure: a busy table, named, nothing applied
            assert e.pgcode == "55P03" and "is busy" in str(e) and "nothing was applied" in str(e), e
            time.sleep(0.2)
    out, _ = bench.communicate(timeout=60)
    assert bench.returncode == 0, out
    assert applied == 18, f"3 statements x 6 tables, got {applied}"
    done = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", out)
    assert failed is None or int(failed.group(1)) == 0, out
    cur.execute(" UNION ALL ".join(f"SELECT count(*), count(DISTINCT id) FROM load.t{i}" for i in range(6)))
    rows = cur.fetchall()
    total = sum(r[0] for r in rows)
    assert total == done, f"pgbench committed {done} transactions, tables hold {total} rows"
    assert all(r[0] == r[1] for r in rows), "duplicated rows"
    assert done > 100, out
    fcur.execute("SELECT count(*) FROM rls_fix(true)")
    assert fcur.fetchone()[0] == 0
    cur.execute("DROP SCHEMA load CASCADE")
    cur.execute("DROP ROLE load_app")
    fixer.close()
    admin.close()


def test_applied_statements_are_in_the_server_log(tables):
    """The guide's log file, kept by PostgreSQL: every applied statement with its run id."""
    import os

    conn = connect()
    cur = conn.cursor()
    cur.execute("SET rls_fixer.schemas = 'rel'")
    cur.execute("SELECT count(*) FROM rls_fix(false)")
    assert cur.fetchone()[0] == 60
    cur.execute("SELECT max(run_id) FROM rls_fixer.fix_run WHERE NOT dry_run")
    run_id = cur.fetchone()[0]
    with open(os.environ["RLS_INTEG_LOG"]) as f:
        log = f.read()
    lines = [l for l in log.splitlines() if f"rls_fixer: run {run_id} step " in l]
    assert len(lines) == 60, lines[:3]
    assert any("ALTER TABLE rel.t0 FORCE ROW LEVEL SECURITY" in l for l in lines)
    assert f"rls_fixer: run {run_id} applied 60 statements" in log
    conn.close()
