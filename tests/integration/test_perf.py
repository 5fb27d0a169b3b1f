"""rls_perf_report() with the real pg_stat_statements (preloaded by run.sh): a pgbench workload
before and after rls_fix(false) on a table with a non-sargable hand-written policy and no tenant
index; which statements a fix run's snapshot holds (exact names, not substrings); who may see
what; a hostile pg_stat_statements lookalike. Each test works in a database of its own, made
here, with pg_stat_statements installed in it."""
import os
import re
import shutil
import subprocess

import psycopg2
import pytest

from conftest import PORT, SOCK, connect

PGBENCH = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
APP = "perf_app"
ADMIN = "perf_admin"
N = 30  # pgbench transactions before and after the fix

# lower() on both sides: the tenant column is wrapped, no index on it can be used, and lower()
# runs for every row; NULLIF keeps it closed without a tenant (so rls_fix only enables/forces)
HAND_POLICY = "lower(tenant_id) = lower(NULLIF(current_setting('app.current_tenant_id', true), ''))"
# the app's statement: not filtered by tenant (RLS does it once the fix is in), so the policy is
# evaluated on every row
WORKLOAD = "SELECT count(*), sum(amount) FROM perf.orders WHERE amount > 0;\n"


def fresh_db(name, pgss_schema="public"):
    """A new database with rls_fixer and pg_stat_statements (in `pgss_schema`)."""
    admin = connect(dbname="postgres")
    cur = admin.cursor()
    cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    cur.execute(f"CREATE DATABASE {name}")
    admin.close()
    conn = connect(dbname=name)
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION rls_fixer")
    if pgss_schema != "public":
        cur.execute(f"CREATE SCHEMA {pgss_schema}")
    cur.execute(f"CREATE EXTENSION pg_stat_statements SCHEMA {pgss_schema}")
    return conn


def ensure_role(cur, role, *options):
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if not cur.fetchone():
        cur.execute(f"CREATE ROLE {role} {' '.join(options)}")


def orders_table(cur, rows=100_000):
    """perf.orders: the hand-written non-sargable policy, RLS off, no index on tenant_id."""
    cur.execute("SET rls_fixer.on_new_tenant_table = off")
    cur.execute("CREATE SCHEMA perf")
    cur.execute("CREATE TABLE perf.orders (id bigserial PRIMARY KEY, tenant_id text NOT NULL, amount int NOT NULL)")
    cur.execute("INSERT INTO perf.orders (tenant_id, amount) SELECT 't' || (g %% 20), g FROM generate_series(1, %s) g",
                [rows])
    cur.execute(f"CREATE POLICY hand ON perf.orders USING ({HAND_POLICY})")
    cur.execute("ANALYZE perf.orders")
    ensure_role(cur, APP, "LOGIN")
    cur.execute(f"ALTER ROLE {APP} SET max_parallel_workers_per_gather = 0")
    cur.execute(f"GRANT USAGE ON SCHEMA perf TO {APP}")
    cur.execute(f"GRANT SELECT ON perf.orders TO {APP}")
    cur.execute("SET rls_fixer.schemas = 'perf'")
    cur.execute("SET rls_fixer.app_roles = %s", [APP])


def pgbench(tmp_path, db, script, transactions=N):
    path = tmp_path / "workload.sql"
    path.write_text(script)
    os.chmod(tmp_path, 0o755)
    os.chmod(path, 0o644)
    out = subprocess.run(
        [PGBENCH, "-n", "-h", SOCK, "-p", str(PORT), "-U", APP, "-c", "1", "-t", str(transactions), "-f", str(path), db],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PGOPTIONS="-c app.current_tenant_id=t3"),
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def report(cur, since=None):
    cur.execute("SELECT * FROM rls_perf_report(%s)", [since])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def fix(cur):
    cur.execute("SELECT count(*) FROM rls_fix(false)")
    assert cur.fetchone()[0] > 0
    cur.execute("SELECT max(run_id) FROM rls_fixer.fix_run WHERE NOT dry_run")
    return cur.fetchone()[0]


def queryid_of(cur, fragment):
    cur.execute("SELECT DISTINCT queryid FROM pg_stat_statements WHERE query LIKE %s AND dbid = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())", [f"%{fragment}%"])
    ids = [r[0] for r in cur.fetchall()]
    assert len(ids) == 1, (fragment, ids)
    return ids[0]


@pytest.fixture
def perfdb():
    conn = fresh_db("rls_perf")
    yield conn
    conn.close()
    c = connect(dbname="postgres")
    c.cursor().execute("DROP DATABASE IF EXISTS rls_perf WITH (FORCE)")
    c.close()


def test_report_names_the_statement_its_slowdown_and_both_causes(perfdb, tmp_path):
    cur = perfdb.cursor()
    orders_table(cur)
    pgbench(tmp_path, "rls_perf", WORKLOAD)
    run_id = fix(cur)
    cur.execute("SELECT string_agg(statement, '; ' ORDER BY step) FROM rls_fixer.fix_action WHERE run_id = %s", [run_id])
    assert cur.fetchone()[0] == ("ALTER TABLE perf.orders ENABLE ROW LEVEL SECURITY; "
                                 "ALTER TABLE perf.orders FORCE ROW LEVEL SECURITY")
    pgbench(tmp_path, "rls_perf", WORKLOAD)

    qid = queryid_of(cur, "FROM perf.orders WHERE amount >")
    # the run's snapshot: the statement as it was when the fix applied, numbers only
    cur.execute("SELECT calls, mean_exec_ms > 0 FROM rls_fixer.perf_snapshot WHERE run_id = %s AND queryid = %s",
                [run_id, qid])
    assert cur.fetchall() == [(N, True)]

    rows = {r["queryid"]: r for r in report(cur)}
    r = rows[qid]
    print(f"\nrls_perf_report: {r['query']!r}: {r['mean_ms_at_fix']:.2f} ms at the fix (run {r['run_id']}), "
          f"{r['mean_ms_since_fix']:.2f} ms since, change {r['change']:.2f}x; causes {r['causes']}")
    assert r["query"] == "SELECT count(*), sum(amount) FROM perf.orders WHERE amount > $1"
    assert r["tables"] == ["perf.orders"]
    assert (r["run_id"], r["calls"], r["calls_at_fix"], r["calls_since_fix"]) == (run_id, 2 * N, N, N)
    assert r["change"] == pytest.approx(r["mean_ms_since_fix"] / r["mean_ms_at_fix"])
    # slower: the policy's lower() now runs on every row (about 7x on the development machine)
    assert r["change"] > 1, r
    assert {"policy_not_sargable", "tenant_index_missing"} <= set(r["causes"]), r
    assert "seq_scans" in r["causes"], r
    assert "policy hand on perf.orders: tenant_id is wrapped in a cast or function" in r["detail"]
    assert "CREATE INDEX CONCURRENTLY ON perf.orders (tenant_id)" in r["fix_sql"]
    sargable = ("ALTER POLICY hand ON perf.orders USING "
                "(tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))")
    assert sargable in r["fix_sql"]
    # the superuser's own statements (the INSERT above) bypass RLS: not reported
    assert not any("INSERT INTO perf.orders" in x["query"] for x in rows.values())

    # rls_check records the regression in its history row, without the query's text
    cur.execute("SELECT rls_check()")
    cur.execute("SELECT findings -> 'perf' FROM rls_fixer.check_history ORDER BY check_id DESC LIMIT 1")
    perf = cur.fetchone()[0]
    top = [t for t in perf["top"] if t["queryid"] == qid]
    assert top and top[0]["tables"] == ["perf.orders"] and top[0]["run_id"] == run_id, perf
    assert {"policy_not_sargable", "tenant_index_missing"} <= set(top[0]["causes"])
    assert "amount" not in str(perf)

    # the suggested fixes, applied: the policy and index causes are gone
    for stmt in r["fix_sql"].split("; "):
        cur.execute(stmt)
    cur.execute("ANALYZE perf.orders")
    r = {x["queryid"]: x for x in report(cur)}[qid]
    assert not {"policy_not_sargable", "tenant_index_missing"} & set(r["causes"]), r
    # ... and the tenant is still isolated: the app sees its own rows only
    app = connect(user=APP, dbname="rls_perf")
    acur = app.cursor()
    acur.execute("SET app.current_tenant_id = 't3'")
    acur.execute("SELECT count(*), count(*) FILTER (WHERE tenant_id <> 't3') FROM perf.orders")
    assert acur.fetchone() == (5000, 0)
    app.close()


def test_snapshot_holds_exactly_the_statements_naming_the_changed_table(perfdb):
    cur = perfdb.cursor()
    cur.execute("SET rls_fixer.on_new_tenant_table = off")
    cur.execute("CREATE SCHEMA perf")
    cur.execute("CREATE SCHEMA other")
    cur.execute('CREATE SCHEMA "Quoted Schema"')
    # tenant tables: perf.orders (the one rls_fix changes: rls_fixer.schemas = 'perf'), and two
    # outside the audited schema; the other perf tables have no tenant column (not changed)
    for t in ["perf.orders", "other.orders", '"Quoted Schema"."Order Lines"']:
        cur.execute(f"CREATE TABLE {t} (id int, tenant_id text NOT NULL)")
    for t in ["perf.orders_archive", "perf.preorders"]:
        cur.execute(f"CREATE TABLE {t} (id int)")
    cur.execute('CREATE VIEW perf.orders_v AS SELECT * FROM perf.orders')
    ensure_role(cur, APP, "LOGIN")
    cur.execute(f"GRANT USAGE ON SCHEMA perf, other, \"Quoted Schema\" TO {APP}")
    cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA perf, other, \"Quoted Schema\" TO {APP}")
    app = connect(user=APP, dbname="rls_perf")
    acur = app.cursor()
    statements = {
        "qualified": "SELECT count(*) FROM perf.orders WHERE id = 1",
        "quoted": 'SELECT count(*) FROM "perf"."orders" WHERE id = 2 AND 1 = 1',
        "upper": "SELECT count(*) FROM PERF.ORDERS WHERE id > 3",
        "joined": "SELECT count(*) FROM other.orders o JOIN perf.orders p USING (id)",
        "subquery": "SELECT count(*) FROM other.orders WHERE id IN (SELECT id FROM perf.orders)",
        "view": "SELECT count(*) FROM perf.orders_v",
        "unqualified": "SELECT count(*) + 0 FROM orders",
        # not naming perf.orders:
        "substring": "SELECT count(*) FROM perf.orders_archive",
        "prefix": "SELECT count(*) FROM perf.preorders",
        # (18 jumbles a table by its name, not its OID: statements of one shape over other.orders,
        # perf.orders or anything aliased "orders" share one queryid there, so these three
        # differ in shape from "unqualified")
        "other_schema": "SELECT count(*) - 1 FROM other.orders",
        "comment": "SELECT /* perf.orders */ count(*) + 2 FROM perf.orders_archive",
        "literal": "SELECT count(*) FROM other.orders WHERE tenant_id = 'perf.orders'",
        "cte": "WITH orders AS (SELECT 1 AS id) SELECT count(*) + 3 FROM orders",
        "column_alias": "SELECT count(*) * 4 AS orders FROM perf.preorders AS orders",
        "quoted_other": 'SELECT count(*) FROM "Quoted Schema"."Order Lines"',
    }
    reaching = {"qualified", "quoted", "upper", "joined", "subquery", "view", "unqualified"}
    acur.execute("SET search_path = perf")
    for sql in statements.values():
        acur.execute(sql)
    app.close()
    cur.execute("SET rls_fixer.schemas = 'perf'")
    run_id = fix(cur)
    cur.execute("SELECT queryid FROM rls_fixer.perf_snapshot WHERE run_id = %s", [run_id])
    recorded = {r[0] for r in cur.fetchall()}
    ids = {}
    for k, sql in statements.items():
        # the normalised text (constants are $n): find it by a distinctive piece
        cur.execute("SELECT queryid, query FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
                    "WHERE r.rolname = %s AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
                    [APP])
        for qid, text in cur.fetchall():
            if normalise(text) == normalise(sql):
                ids[k] = qid
    assert set(ids) == set(statements), set(statements) - set(ids)
    got = {k for k, q in ids.items() if q in recorded}
    assert got == reaching, (got ^ reaching)


def normalise(sql):
    """Compare a statement with pg_stat_statements' text: constants become $n there."""
    s = re.sub(r"'[^']*'", "?", sql)
    s = re.sub(r"\$\d+", "?", s)
    s = re.sub(r"(?<![\w.$])\d+(?![\w])", "?", s)
    return s


def test_admins_see_only_texts_they_could_read_in_pg_stat_statements(perfdb, tmp_path):
    """Attack: an admin (rls_fixer.grant_admin) without pg_read_all_stats must not learn other
    roles' query texts through the report, nor read the snapshots."""
    cur = perfdb.cursor()
    orders_table(cur, rows=2000)
    pgbench(tmp_path, "rls_perf", WORKLOAD, transactions=5)
    fix(cur)
    pgbench(tmp_path, "rls_perf", WORKLOAD, transactions=5)
    ensure_role(cur, ADMIN, "LOGIN")
    cur.execute(f"REVOKE pg_read_all_stats FROM {ADMIN}")
    cur.execute("SELECT rls_fixer.grant_admin(%s)", [ADMIN])
    qid = queryid_of(cur, "FROM perf.orders WHERE amount >")
    assert qid in {r["queryid"] for r in report(cur)}, "the superuser sees it"

    adm = connect(user=ADMIN, dbname="rls_perf")
    acur = adm.cursor()
    rows = report(acur)
    assert all("perf.orders WHERE amount" not in r["query"] for r in rows), rows
    assert qid not in {r["queryid"] for r in rows}
    assert any("entries of other roles are left out" in n for n in adm.notices), adm.notices
    for sql in ["SELECT * FROM rls_fixer.perf_snapshot",
                "INSERT INTO rls_fixer.perf_snapshot VALUES (1, 10, 1, 1, 1, 1, 1)",
                "DELETE FROM rls_fixer.perf_snapshot"]:
        with pytest.raises(psycopg2.Error) as err:
            acur.execute(sql)
        assert err.value.pgcode == "42501", sql
    adm.close()

    # control: with pg_read_all_stats the same admin sees it (so the check above can fail)
    cur.execute(f"GRANT pg_read_all_stats TO {ADMIN}")
    adm = connect(user=ADMIN, dbname="rls_perf")
    assert qid in {r["queryid"] for r in report(adm.cursor())}
    adm.close()
    cur.execute(f"REVOKE pg_read_all_stats FROM {ADMIN}")

    # the app role may not call it at all
    app = connect(user=APP, dbname="rls_perf")
    with pytest.raises(psycopg2.Error) as err:
        report(app.cursor())
    assert err.value.pgcode == "42501"
    app.close()


def test_a_lookalike_pg_stat_statements_is_never_called():
    """Attack: the database owner (not a superuser) puts a pg_stat_statements(boolean) of its own
    in public, ahead of the real one (in schema pgss) on the superuser's search_path."""
    conn = fresh_db("rls_perf_hostile", pgss_schema="pgss")
    cur = conn.cursor()
    try:
        ensure_role(cur, "perf_owner", "LOGIN NOSUPERUSER")
        cur.execute("ALTER DATABASE rls_perf_hostile OWNER TO perf_owner")
        cur.execute("ALTER SCHEMA public OWNER TO perf_owner")
        owner = connect(user="perf_owner", dbname="rls_perf_hostile")
        ocur = owner.cursor()
        ocur.execute("CREATE SEQUENCE public.escalations")
        ocur.execute("GRANT USAGE ON SEQUENCE public.escalations TO PUBLIC")
        ocur.execute("""
            CREATE FUNCTION public.pg_stat_statements(showtext boolean,
                OUT userid oid, OUT dbid oid, OUT toplevel bool, OUT queryid bigint, OUT query text,
                OUT calls bigint, OUT total_exec_time float8, OUT rows bigint)
            RETURNS SETOF record LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM nextval('public.escalations');
                IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                    PERFORM nextval('public.escalations');
                END IF;
            END $$""")
        ocur.execute("CREATE SCHEMA app")
        ocur.execute("CREATE TABLE app.t (id int, tenant_id text NOT NULL)")
        ocur.execute("SELECT count(*) FROM app.t")
        owner.close()
        cur.execute("SET search_path = public, pgss, pg_catalog")
        cur.execute("SET rls_fixer.schemas = 'app'")
        cur.execute("SELECT count(*) FROM rls_fix(false)")
        cur.execute("SELECT count(*) FROM rls_perf_report()")
        cur.execute("SELECT rls_check()")
        cur.execute("SELECT last_value, is_called FROM public.escalations")
        assert cur.fetchone() == (1, False), "the lookalike ran"
        # the real one was read: the owner's statement on app.t is in the fix run's snapshot
        cur.execute("SELECT count(*) FROM rls_fixer.perf_snapshot")
        assert cur.fetchone()[0] >= 1
    finally:
        conn.close()
        c = connect(dbname="postgres")
        c.cursor().execute("DROP DATABASE IF EXISTS rls_perf_hostile WITH (FORCE)")
        c.close()


def test_loaded_but_not_installed_says_how_to_install(admin):
    """The integration database has the library preloaded but not the extension."""
    cur = admin.cursor()
    cur.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")
    assert cur.fetchone()[0] == 0
    cur.execute("SELECT count(*) FROM rls_perf_report()")
    assert cur.fetchone()[0] == 0
    assert any("run CREATE EXTENSION pg_stat_statements" in n for n in admin.notices), admin.notices
