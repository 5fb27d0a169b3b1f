"""Costs of rls_perf_report's parts: rls_fix(false) with and without recording the snapshot,
the report, and CREATE TABLE under the protect event trigger.

Standalone (not part of bench/run.sh yet): needs a running cluster with
shared_preload_libraries = 'pg_stat_statements' and the extension installed (PGHOST/PGPORT; it
creates the role mapp, and the database m1 which it drops at the end), e.g.
    PGHOST=/tmp/rls_fixer/perf/sock PGPORT=54334 /opt/rls_fixer-venv/bin/python bench/perf_report.py [tables]
Every one of the workload's statements (tables x 22 joins) names changed tables: the worst case
for the snapshot (every text is parsed)."""
import os, statistics, sys, time, psycopg2
H = dict(host=os.environ.get("PGHOST", "/tmp/rls_fixer/bench/sock"), port=int(os.environ.get("PGPORT", "54333")))
TABLES, PER = int(sys.argv[1]) if len(sys.argv) > 1 else 200, 22

def conn(db, user="postgres"):
    c = psycopg2.connect(dbname=db, user=user, **H); c.autocommit = True; return c

def ms(v): return f"median {statistics.median(v)*1000:.0f} ms ({', '.join(f'{x*1000:.0f}' for x in v)})"

adm = conn("postgres"); ac = adm.cursor()
ac.execute("SELECT 1 FROM pg_roles WHERE rolname='mapp'")
if not ac.fetchone(): ac.execute("CREATE ROLE mapp LOGIN")
ac.execute("DROP DATABASE IF EXISTS m1 WITH (FORCE)")
ac.execute("CREATE DATABASE m1")
c = conn("m1"); cur = c.cursor()
cur.execute("SET client_min_messages = warning")
cur.execute("CREATE EXTENSION rls_fixer"); cur.execute("CREATE EXTENSION pg_stat_statements")
cur.execute("SET rls_fixer.on_new_tenant_table = off")
cur.execute("CREATE SCHEMA bench; GRANT USAGE ON SCHEMA bench TO mapp")
for i in range(TABLES):
    cur.execute(f"CREATE TABLE bench.t{i} (id int PRIMARY KEY, tenant_id text NOT NULL, v int)")
    cur.execute(f"CREATE INDEX ON bench.t{i} (tenant_id)")
cur.execute("GRANT SELECT ON ALL TABLES IN SCHEMA bench TO mapp")
cur.execute("SELECT pg_stat_statements_reset()")
a = conn("m1", "mapp"); acur = a.cursor()
for x in range(TABLES):
    for y in range(PER):
        acur.execute(f"SELECT count(*) FROM bench.t{x} a JOIN bench.t{(x + y + 1) % TABLES} b USING (id)")
a.close()
cur.execute("SELECT count(*) FROM pg_stat_statements")
print("pg_stat_statements entries:", cur.fetchone()[0])
cur.execute("SET rls_fixer.schemas = 'bench'")
t = {True: [], False: []}
for rep in range(5):
    for rec in (True, False):
        if not rec: cur.execute("DROP EXTENSION pg_stat_statements")
        s = time.perf_counter(); cur.execute("SELECT count(*) FROM rls_fix(false)"); n = cur.fetchone()[0]; t[rec].append(time.perf_counter() - s)
        assert n == 3 * TABLES, n
        cur.execute("SELECT max(run_id) FROM rls_fixer.fix_run WHERE NOT dry_run"); run = cur.fetchone()[0]
        if rec:
            cur.execute("SELECT count(*) FROM rls_fixer.perf_snapshot WHERE run_id = %s", [run]); snap = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM rls_undo(%s)", [run])
        if not rec: cur.execute("CREATE EXTENSION pg_stat_statements")
print(f"rls_fix(false) on {TABLES} tables ({3*TABLES} statements), snapshot recorded ({snap} rows): {ms(t[True])}")
print(f"rls_fix(false) on {TABLES} tables, no pg_stat_statements in the database: {ms(t[False])}")
cur.execute("SELECT count(*) FROM rls_fix(false)")
r = []
for _ in range(3):
    s = time.perf_counter(); cur.execute("SELECT count(*) FROM rls_perf_report()"); k = cur.fetchone()[0]; r.append(time.perf_counter() - s)
print(f"rls_perf_report(): {k} rows: {ms(r)}")
r = []
for _ in range(3):
    s = time.perf_counter(); cur.execute("SELECT count(*) FROM rls_audit()"); r.append(time.perf_counter() - s)
print(f"rls_audit() for comparison: {ms(r)}")
r = []
for _ in range(3):
    s = time.perf_counter(); cur.execute("SELECT rls_check()"); r.append(time.perf_counter() - s)
print(f"rls_check(): {ms(r)}")
cur.execute("SET rls_fixer.on_new_tenant_table = protect")
for rec in (True, False):
    if not rec: cur.execute("DROP EXTENSION pg_stat_statements")
    v = []
    for i in range(20):
        s = time.perf_counter(); cur.execute(f"CREATE TABLE bench.new{i}_{rec} (id int, tenant_id text NOT NULL)"); v.append(time.perf_counter() - s)
    print(f"CREATE TABLE under protect, pg_stat_statements {'installed' if rec else 'absent'}: {ms(v[5:])}")
c.close()
ac.execute("DROP DATABASE m1 WITH (FORCE)")
