"""Backup and restore of a database rls_fixer has fixed: pg_dump -Fc --create, then pg_restore
--exit-on-error --create into a fresh cluster, in one pass (the README's recipe), with the
history, the waivers, both context modes and the event trigger carried over. And the failure the
recipe avoids: a materialized view owned by the table owner, which FORCE subjects to the
policies, breaks pg_restore — the audit names it beforehand."""
import os
import subprocess

import pytest

from conftest import REPO, connect

RUN = os.environ.get("RLS_INTEG_RUN", "/tmp/rls_fixer")
TARGET = "restore"                 # a second throwaway cluster, made fresh for these tests
TARGET_PORT = int(os.environ.get("RLS_RESTORE_PORT", "54337"))
TARGET_SOCK = f"{RUN}/{TARGET}/sock"
SOURCE_SOCK = os.environ.get("RLS_INTEG_SOCK", "/tmp/rls_fixer/integ/sock")
SOURCE_PORT = int(os.environ.get("RLS_INTEG_PORT", "54332"))
ROLES = ["life_owner", "life_app", "life_reporting", "life_admin"]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def target(dbname="life_src", user="postgres"):
    return connect(user=user, dbname=dbname, host=TARGET_SOCK, port=TARGET_PORT)


@pytest.fixture(scope="module")
def fresh_cluster():
    cluster = os.path.join(REPO, "scripts", "cluster.sh")
    run(["bash", cluster, "destroy", TARGET])
    started = run(["bash", cluster, "start", TARGET, str(TARGET_PORT)])
    assert started.returncode == 0, started.stderr
    try:
        yield
    finally:
        run(["bash", cluster, "stop", TARGET])
        run(["bash", cluster, "destroy", TARGET])


def make_source(dbname, remedy):
    """A database fixed by rls_fix in both modes, with history, a waiver and reports."""
    c = connect()
    try:
        cur = c.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS {dbname}")
        cur.execute(f"CREATE DATABASE {dbname}")
        for role in ROLES:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if not cur.fetchone():
                login = "LOGIN" if role in ("life_app", "life_admin") else "NOLOGIN"
                bypass = "BYPASSRLS" if role == "life_reporting" else ""
                cur.execute(f"CREATE ROLE {role} {login} {bypass}")
        cur.execute(f"ALTER DATABASE {dbname} SET rls_fixer.app_roles = 'life_app'")
        cur.execute(f"ALTER DATABASE {dbname} SET rls_fixer.on_new_tenant_table = protect")
    finally:
        c.close()
    src = connect(dbname=dbname)
    cur = src.cursor()
    cur.execute("""
CREATE EXTENSION rls_fixer;
SET rls_fixer.on_new_tenant_table = off;   -- the fixtures below are protected by rls_fix
CREATE SCHEMA app AUTHORIZATION life_owner;
CREATE SCHEMA prot AUTHORIZATION life_owner;
GRANT USAGE ON SCHEMA app, prot TO life_app;
SET ROLE life_owner;
CREATE TABLE app.orders (id int PRIMARY KEY, tenant_id text NOT NULL, total int);
CREATE INDEX ON app.orders (tenant_id);
INSERT INTO app.orders SELECT g, CASE WHEN g % 3 = 0 THEN 'b' ELSE 'a' END, g FROM generate_series(1, 30) g;
CREATE TABLE app.countries (tenant_id text, code text);          -- a shared lookup table, waived
CREATE TABLE prot.docs (id int PRIMARY KEY, tenant_id text NOT NULL, body text);
CREATE INDEX ON prot.docs (tenant_id);
INSERT INTO prot.docs SELECT g, CASE WHEN g % 2 = 0 THEN 'b' ELSE 'a' END, 'doc' FROM generate_series(1, 10) g;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.orders, prot.docs TO life_app;
GRANT SELECT ON app.orders TO life_reporting;
CREATE MATERIALIZED VIEW app.revenue AS SELECT tenant_id, sum(total) AS total FROM app.orders GROUP BY 1;
RESET ROLE;
SELECT rls_fixer.grant_admin('life_admin');
""")
    if remedy:
        cur.execute("ALTER MATERIALIZED VIEW app.revenue OWNER TO life_reporting")
    cur.execute("SELECT rls_fixer.waive(c, 'app.countries', 'shared lookup, same rows for every tenant') "
                "FROM unnest(ARRAY['rls_disabled', 'rls_not_forced', 'tenant_policy_missing', "
                "'tenant_index_missing', 'tenant_column_nullable']) c")
    cur.execute("SET rls_fixer.schemas = 'app'")
    cur.execute("SELECT count(*) FROM rls_fix(false)")
    cur.execute("SET rls_fixer.schemas = 'prot'")
    cur.execute("SET rls_fixer.context_mode = protected")
    cur.execute("SELECT count(*) FROM rls_fix(false)")
    cur.execute("RESET rls_fixer.schemas")
    cur.execute("RESET rls_fixer.context_mode")
    cur.execute("SELECT rls_check()")
    return src


def dump_and_restore(dbname, tmp_path):
    dump = tmp_path / f"{dbname}.dump"
    d = run(["pg_dump", "-h", SOURCE_SOCK, "-p", str(SOURCE_PORT), "-U", "postgres", "-Fc", "--create",
             "-f", str(dump), dbname])
    assert d.returncode == 0, d.stderr
    roles = run(["pg_dumpall", "-h", SOURCE_SOCK, "-p", str(SOURCE_PORT), "-U", "postgres", "--roles-only"])
    assert roles.returncode == 0, roles.stderr
    # the roles the dump needs (other roles of the source cluster too: harmless here)
    r = run(["psql", "-X", "-q", "-h", TARGET_SOCK, "-p", str(TARGET_PORT), "-U", "postgres", "-d", "postgres"],
            input=roles.stdout)
    assert r.returncode == 0, r.stderr
    c = target("postgres")
    c.cursor().execute(f"DROP DATABASE IF EXISTS {dbname}")
    c.close()
    return run(["pg_restore", "-h", TARGET_SOCK, "-p", str(TARGET_PORT), "-U", "postgres", "--exit-on-error",
                "--create", "-d", "postgres", str(dump)])


def rows(cur, sql, args=None):
    cur.execute(sql, args)
    return cur.fetchall()


def test_a_matview_owned_by_the_table_owner_breaks_restore_and_the_audit_says_so(fresh_cluster, tmp_path):
    src = make_source("life_broken", remedy=False)
    try:
        found = rows(src.cursor(), "SELECT object_name FROM rls_audit() WHERE check_name = 'force_affects_owner_objects'")
        assert found == [("app.revenue",)]
        restored = dump_and_restore("life_broken", tmp_path)
        assert restored.returncode != 0
        assert "query would be affected by row-level security policy" in restored.stderr, restored.stderr
    finally:
        src.close()


def test_a_fixed_database_restores_in_one_pass_with_history_and_behaviour(fresh_cluster, tmp_path):
    src = make_source("life_src", remedy=True)
    cur = src.cursor()
    assert rows(cur, "SELECT count(*) FROM rls_audit() WHERE check_name = 'force_affects_owner_objects'") == [(0,)]
    before = {
        "audit": rows(cur, "SELECT check_name, object_name FROM rls_audit(include_waived => true) ORDER BY 1, 2"),
        "runs": rows(cur, "SELECT run_id, dry_run, statement_count FROM rls_fixer.fix_run ORDER BY 1"),
        "actions": rows(cur, "SELECT run_id, step, statement FROM rls_fixer.fix_action ORDER BY 1, 2"),
        "checks": rows(cur, "SELECT check_id, error_count FROM rls_fixer.check_history ORDER BY 1"),
        "waivers": rows(cur, "SELECT check_name, object_name, reason, waived_by FROM rls_fixer.waiver ORDER BY 1, 2"),
        "policies": rows(cur, "SELECT tablename, policyname, qual FROM pg_policies WHERE schemaname IN ('app', 'prot') ORDER BY 1, 2"),
        "admin": rows(cur, "SELECT has_table_privilege('life_admin', 'rls_fixer.fix_run', 'SELECT')"),
    }
    assert len(before["runs"]) == 2 and all(n > 0 for _, dry, n in before["runs"] if not dry)
    src.close()

    restored = dump_and_restore("life_src", tmp_path)
    assert restored.returncode == 0, restored.stderr

    db = target()
    cur = db.cursor()
    after = {
        "audit": rows(cur, "SELECT check_name, object_name FROM rls_audit(include_waived => true) ORDER BY 1, 2"),
        "runs": rows(cur, "SELECT run_id, dry_run, statement_count FROM rls_fixer.fix_run ORDER BY 1"),
        "actions": rows(cur, "SELECT run_id, step, statement FROM rls_fixer.fix_action ORDER BY 1, 2"),
        "checks": rows(cur, "SELECT check_id, error_count FROM rls_fixer.check_history ORDER BY 1"),
        "waivers": rows(cur, "SELECT check_name, object_name, reason, waived_by FROM rls_fixer.waiver ORDER BY 1, 2"),
        "policies": rows(cur, "SELECT tablename, policyname, qual FROM pg_policies WHERE schemaname IN ('app', 'prot') ORDER BY 1, 2"),
        "admin": rows(cur, "SELECT has_table_privilege('life_admin', 'rls_fixer.fix_run', 'SELECT')"),
    }
    for what in before:
        assert after[what] == before[what], what
    # the audit is clean (errors), the waivers still hold, the materialized view has its rows
    assert rows(cur, "SELECT count(*) FROM rls_audit() WHERE severity = 'error'") == [(0,)]
    assert rows(cur, "SELECT count(*) FROM rls_audit() WHERE check_name = 'waiver_unmatched'") == [(0,)]
    assert rows(cur, "SELECT count(*) FROM app.revenue") == [(2,)]
    # rls_verify proves isolation live, in both modes (the database settings came with --create)
    verdicts = rows(cur, "SELECT object_name, probe, passed, detail FROM rls_verify()")
    assert verdicts and all(passed for _, _, passed, _ in verdicts), verdicts
    assert {o for o, _, _, _ in verdicts} >= {"app.orders", "prot.docs"}
    # the app role: its own rows only, in both forms of policy
    app = target(user="life_app")
    a = app.cursor()
    a.execute("SELECT set_tenant_context('a')")
    assert rows(a, "SELECT count(*), count(*) FILTER (WHERE tenant_id <> 'a') FROM app.orders") == [(20, 0)]
    assert rows(a, "SELECT count(*), count(*) FILTER (WHERE tenant_id <> 'a') FROM prot.docs") == [(5, 0)]
    a.execute("SELECT clear_tenant_context()")
    assert rows(a, "SELECT (SELECT count(*) FROM app.orders) + (SELECT count(*) FROM prot.docs)") == [(0,)]
    app.close()
    # the event trigger still works (on_new_tenant_table = protect came with the database)
    cur.execute("SET ROLE life_owner")
    cur.execute("CREATE TABLE app.refunds (id int, tenant_id text NOT NULL)")
    cur.execute("RESET ROLE")
    assert rows(cur, "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'app.refunds'::regclass") \
        == [(True, True)]
    # new runs continue the run ids (the identity sequences came with the history)
    cur.execute("SET rls_fixer.on_new_tenant_table = off")
    cur.execute("CREATE TABLE app.credits (id int, tenant_id text NOT NULL)")
    new_run = rows(cur, "SELECT count(*) FROM rls_fix(false)")
    last = rows(cur, "SELECT max(run_id) FROM rls_fixer.fix_run")[0][0]
    assert new_run[0][0] >= 0 and last > max(r for r, _, _ in before["runs"])
    # a run made before the dump is undone after the restore (objects found by name)
    first_applied = min(r for r, dry, n in before["runs"] if not dry and n > 0)
    db.autocommit = False
    undone = rows(cur, "SELECT step, object_name FROM rls_undo(%s)", [first_applied])
    assert undone and {o for _, o in undone} == {"app.orders"}, undone
    assert rows(cur, "SELECT relforcerowsecurity FROM pg_class WHERE oid = 'app.orders'::regclass") == [(False,)]
    assert rows(cur, "SELECT count(*) FROM rls_audit() WHERE object_name = 'app.orders' AND severity = 'error'")[0][0] > 0
    db.rollback()
    db.close()
