"""rls_fixer on a real 3-node Citus cluster (coordinator + 2 workers on private ports).

Tables: `orders` distributed by tenant_id (32 shards), `invoices` distributed by a bigint
tenant_id, `events` distributed by id (not by tenant), `tenant_ref` a reference table with a
tenant column, `notes` a plain local table. The app role is `citus_app`.
"""
import psycopg2
import pytest

from conftest import APP, NODES, TENANTS, connect, findings, one, rows, shard_states, task_count

TABLES = ["orders", "invoices", "events", "tenant_ref", "notes"]
OWN = TENANTS["t1"]


@pytest.fixture(scope="module", autouse=True)
def schema():
    admin = connect(track=False)
    cur = admin.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS rls_fixer")   # Citus creates it on the workers too
    cur.execute(f"CREATE ROLE {APP} LOGIN")                    # and the role
    cur.execute("SET citus.shard_count = 32")
    cur.execute("""CREATE TABLE orders (tenant_id text NOT NULL, id bigint NOT NULL, amount int,
                                        PRIMARY KEY (tenant_id, id))""")
    cur.execute("SELECT create_distributed_table('orders', 'tenant_id')")
    for t, n in TENANTS.items():
        cur.execute("INSERT INTO orders SELECT %s, g, g FROM generate_series(1, %s) g", [t, n])
    cur.execute("""CREATE TABLE invoices (tenant_id bigint NOT NULL, id bigint NOT NULL, total numeric,
                                          PRIMARY KEY (tenant_id, id))""")
    cur.execute("SELECT create_distributed_table('invoices', 'tenant_id', shard_count := 8)")
    cur.execute("INSERT INTO invoices SELECT t, g, g FROM generate_series(1, 3) t, generate_series(1, 4) g")
    cur.execute("CREATE TABLE events (id bigint PRIMARY KEY, tenant_id text NOT NULL)")
    cur.execute("CREATE INDEX ON events (tenant_id)")
    cur.execute("SELECT create_distributed_table('events', 'id', shard_count := 4)")
    cur.execute("INSERT INTO events SELECT g, 't' || (1 + g % 3) FROM generate_series(1, 30) g")
    cur.execute("CREATE TABLE tenant_ref (tenant_id text PRIMARY KEY, name text)")
    cur.execute("SELECT create_reference_table('tenant_ref')")
    cur.execute("INSERT INTO tenant_ref SELECT t, 'Tenant ' || t FROM unnest(%s) t", [list(TENANTS)])
    cur.execute("CREATE TABLE notes (tenant_id text NOT NULL, body text)")   # a plain local table
    cur.execute("CREATE INDEX ON notes (tenant_id)")
    cur.execute("INSERT INTO notes VALUES ('t1', 'one'), ('t2', 'two')")
    cur.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(TABLES)} TO {APP}")
    yield admin
    admin.close()


def test_rls_fixer_and_app_role_on_every_node(admin):
    cur = admin.cursor()
    got = rows(cur, """SELECT result FROM run_command_on_all_nodes(
        $$SELECT (SELECT extversion FROM pg_extension WHERE extname = 'rls_fixer') || ',' ||
                 (SELECT count(*) FROM pg_roles WHERE rolname = 'citus_app')$$) ORDER BY nodeid""")
    version = rows(cur, "SELECT default_version FROM pg_available_extensions WHERE name = 'rls_fixer'")[0][0]
    assert [r[0] for r in got] == [f"{version},1"] * 3


def test_audit_tells_citus_tables_apart(admin):
    cur = admin.cursor()
    f = findings(cur, "severity <> 'info'")
    by = {}
    for check, sev, obj, _, _ in f:
        by.setdefault(check, set()).add((obj, sev))
    for t in TABLES:
        assert (f"public.{t}", "error") in by["rls_disabled"], t
        assert (f"public.{t}", "error") in by["tenant_policy_missing"], t
    assert by["citus_distributed_by_other_column"] == {("public.events", "warning")}
    assert by["citus_reference_tenant_table"] == {("public.tenant_ref", "warning")}
    # nothing protected yet: no shard differs from its table, no policy to propagate
    assert "citus_shard_rls_mismatch" not in by and "citus_context_unreachable" not in by
    detail = [d for c, _, o, d, _ in f if c == "citus_distributed_by_other_column"][0]
    assert "distributed by id" in detail and "all 4 shards" in detail
    # the suggested policy is the form Citus propagates (no sub-select), typed for bigint
    fix = {o: s for c, _, o, _, s in f if c == "tenant_policy_missing"}
    assert "(SELECT" not in fix["public.orders"]
    assert "tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')" in fix["public.orders"]
    assert "tenant_id = (NULLIF(current_setting('app.current_tenant_id', true), ''))::bigint" in fix["public.invoices"]


def test_fix_reaches_every_shard_and_undo_removes_it(admin):
    cur = admin.cursor()
    applied = rows(cur, "SELECT object_name, statement, applied FROM rls_fix(false)")
    assert applied and all(a for _, _, a in applied)
    assert {o for o, _, _ in applied} == {f"public.{t}" for t in TABLES}
    assert not [s for _, s, _ in applied if "(SELECT" in s]          # Citus refuses sub-selects
    full = "true,true,rls_fixer_tenant_isolation"
    assert shard_states(cur, "orders") == {full: 32}
    assert shard_states(cur, "invoices") == {full: 8}
    assert shard_states(cur, "events") == {full: 4}
    assert shard_states(cur, "tenant_ref") == {full: 1}
    assert [f for f in findings(cur) if f[1] == "error"] == []
    assert rows(cur, "SELECT * FROM rls_fix(true)") == []
    # each statement went through Citus's 2PC with the rest: the run is one transaction
    assert one(cur, "SELECT statement_count FROM rls_fixer.fix_run WHERE NOT dry_run ORDER BY run_id DESC LIMIT 1") == len(applied)

    undone = rows(cur, "SELECT object_name FROM rls_undo()")
    assert len(undone) == len(applied)
    for t, n in [("orders", 32), ("invoices", 8), ("events", 4), ("tenant_ref", 1)]:
        assert shard_states(cur, t) == {"false,false,-": n}, t
    assert {o for _, sev, o, _, _ in findings(cur, "check_name = 'rls_disabled'")} == {f"public.{t}" for t in TABLES}


def test_fix_fails_atomically_on_every_node(admin):
    """A step that cannot get its lock aborts the whole run: no shard keeps an earlier step."""
    cur = admin.cursor()
    blocker = connect()
    try:
        bc = blocker.cursor()
        bc.execute("BEGIN")
        bc.execute("LOCK TABLE tenant_ref IN ACCESS SHARE MODE")   # the plan's last table
        cur.execute("SET rls_fixer.lock_timeout = '300ms'")
        with pytest.raises(psycopg2.errors.LockNotAvailable) as e:
            cur.execute("SELECT * FROM rls_fix(false)")
        assert "nothing was applied" in str(e.value)
        bc.execute("ROLLBACK")
    finally:
        blocker.close()
        cur.execute("RESET rls_fixer.lock_timeout")
    for t, n in [("orders", 32), ("invoices", 8), ("events", 4)]:
        assert shard_states(cur, t) == {"false,false,-": n}, t


def test_batched_fix(admin):
    cur = admin.cursor()
    cur.execute("CALL rls_fix_batched(2)")
    notices = " ".join(admin.notices)
    assert "3 batches" in notices, notices
    full = "true,true,rls_fixer_tenant_isolation"
    for t, n in [("orders", 32), ("invoices", 8), ("events", 4), ("tenant_ref", 1)]:
        assert shard_states(cur, t) == {full: n}, t
    assert [f for f in findings(cur) if f[1] == "error"] == []


def test_app_sees_nothing_without_a_tenant():
    app = connect(APP)
    cur = app.cursor()
    assert one(cur, "SELECT count(*) FROM orders") == 0
    assert one(cur, "SELECT count(*) FROM orders WHERE tenant_id = 't1'") == 0
    assert one(cur, "SELECT count(*) FROM tenant_ref") == 0
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute("INSERT INTO orders VALUES ('t1', 1000, 1)")
    app.close()


def test_session_form_refused_on_citus(admin):
    app = connect(APP)
    cur = app.cursor()
    with pytest.raises(psycopg2.errors.FeatureNotSupported) as e:
        cur.execute("SELECT set_tenant_context('t1')")
    assert "cannot reach the Citus workers" in str(e.value)
    assert "set_tenant_context(id, true)" in e.value.diag.message_hint
    # signed contexts (verified on the coordinator) go the same way: per transaction only
    ac = admin.cursor()
    ac.execute("SELECT rls_fixer.set_context_key(decode(repeat('ab', 32), 'hex'))")
    try:
        token = one(ac, "SELECT rls_fixer.sign_tenant_token('t2')")
        with pytest.raises(psycopg2.errors.FeatureNotSupported):
            cur.execute("SELECT set_tenant_context_signed(%s)", [token])
        cur.execute("BEGIN")
        assert one(cur, "SELECT set_tenant_context_signed(%s, true)", [token]) == "t2"
        assert rows(cur, "SELECT count(*), min(tenant_id) FROM orders") == [(TENANTS["t2"], "t2")]
        cur.execute("ROLLBACK")
    finally:
        ac.execute("SELECT rls_fixer.drop_context_keys()")
    with pytest.raises(psycopg2.errors.NoActiveSqlTransaction):
        cur.execute("SELECT set_tenant_context('t1', true)")          # outside a transaction block
    cur.execute("SELECT clear_tenant_context()")                      # clearing is always allowed
    app.close()


def test_app_isolated_through_the_workers():
    app = connect(APP)
    cur = app.cursor()
    cur.execute("BEGIN")
    assert one(cur, "SELECT set_tenant_context('t1', true)") == "t1"
    # multi-shard, router, reference, colocated join, shard-crossing table
    assert rows(cur, "SELECT count(*), count(DISTINCT tenant_id), min(tenant_id) FROM orders") == [(OWN, 1, "t1")]
    assert one(cur, "SELECT count(*) FROM orders WHERE tenant_id = 't1'") == OWN
    assert one(cur, "SELECT count(*) FROM orders WHERE tenant_id = 't2'") == 0
    assert rows(cur, "SELECT tenant_id, name FROM tenant_ref") == [("t1", "Tenant t1")]
    assert one(cur, "SELECT count(*) FROM orders o JOIN tenant_ref r USING (tenant_id)") == OWN
    assert rows(cur, "SELECT count(*), min(tenant_id), max(tenant_id) FROM events") == [(10, "t1", "t1")]
    assert one(cur, "SELECT count(*) FROM notes") == 1                 # the coordinator's local table
    # writes: own tenant ok; another tenant's row refused by the shard's WITH CHECK
    cur.execute("INSERT INTO orders VALUES ('t1', 1001, 5)")
    cur.execute("SAVEPOINT s")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege) as e:
        cur.execute("INSERT INTO orders VALUES ('t2', 1001, 5)")
    assert "row-level security" in str(e.value)
    cur.execute("ROLLBACK TO SAVEPOINT s")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute("INSERT INTO events VALUES (1001, 't2')")
    cur.execute("ROLLBACK TO SAVEPOINT s")
    cur.execute("UPDATE orders SET amount = 0 WHERE tenant_id = 't2'")
    assert cur.rowcount == 0
    cur.execute("DELETE FROM orders WHERE tenant_id = 't3'")
    assert cur.rowcount == 0
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):        # moving a row: refused
        cur.execute("UPDATE events SET tenant_id = 't2' WHERE id = 3")  # id 3 is t1's (1 + 3 % 3)
    cur.execute("ROLLBACK TO SAVEPOINT s")
    with pytest.raises(psycopg2.errors.FeatureNotSupported):          # the distribution column
        cur.execute("UPDATE orders SET tenant_id = 't2' WHERE id = 3")
    cur.execute("ROLLBACK TO SAVEPOINT s")
    # switching tenants inside the transaction, after worker connections are open
    cur.execute("SELECT set_tenant_context('t2', true)")
    assert rows(cur, "SELECT count(*), min(tenant_id) FROM orders") == [(TENANTS["t2"], "t2")]
    cur.execute("SAVEPOINT s2")
    cur.execute("SELECT set_tenant_context('t3', true)")
    assert one(cur, "SELECT count(*) FROM orders WHERE tenant_id = 't3'") == TENANTS["t3"]
    cur.execute("ROLLBACK TO SAVEPOINT s2")                            # back to t2 on every node
    assert rows(cur, "SELECT count(*), min(tenant_id) FROM orders") == [(TENANTS["t2"], "t2")]
    cur.execute("SELECT clear_tenant_context(true)")
    assert one(cur, "SELECT count(*) FROM orders") == 0
    cur.execute("SELECT set_tenant_context('t1', true)")
    assert one(cur, "SELECT count(*) FROM orders WHERE id = 1001") == 1
    cur.execute("COMMIT")
    # nothing carries over to the next transaction on the cached worker connections
    cur.execute("BEGIN")
    assert one(cur, "SELECT count(*) FROM orders") == 0
    cur.execute("COMMIT")
    cur.execute("BEGIN")
    cur.execute("SELECT set_tenant_context('t1', true)")
    cur.execute("DELETE FROM orders WHERE id = 1001")
    assert cur.rowcount == 1
    cur.execute("COMMIT")
    app.close()


def test_typed_tenant_column():
    app = connect(APP)
    cur = app.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT set_tenant_context('2', true)")
    assert rows(cur, "SELECT count(*), min(tenant_id), max(tenant_id) FROM invoices") == [(4, 2, 2)]
    cur.execute("SELECT set_tenant_context('not-a-number', true)")     # a cast error, not rows
    with pytest.raises(psycopg2.errors.InvalidTextRepresentation):
        cur.execute("SELECT count(*) FROM invoices")
    cur.execute("ROLLBACK")
    app.close()


def test_copy():
    """COPY TO shows the tenant's rows only (none when COPY <table> TO opens the transaction's
    worker connections); COPY FROM under row-level security is refused by PostgreSQL itself (on
    the worker), as on a single server: bulk loads run as the owner."""
    import io

    def copy_out(cur, sql):
        out = io.StringIO()
        cur.copy_expert(sql, out)
        return out.getvalue().splitlines()

    app = connect(APP)
    cur = app.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT set_tenant_context('t3', true)")
    # COPY <table> TO first: Citus copies each shard over connections it opens without the
    # transaction's SET LOCAL, so the workers see no tenant: no rows (closed, never another's)
    assert copy_out(cur, "COPY orders (tenant_id, id) TO STDOUT") == []
    own = [f"t3\t{i}" for i in range(1, TENANTS["t3"] + 1)]
    assert sorted(copy_out(cur, "COPY (SELECT tenant_id, id FROM orders) TO STDOUT")) == sorted(own)
    assert set(copy_out(cur, "COPY (SELECT tenant_id FROM events) TO STDOUT")) == {"t3"}
    # once a query has opened them (with the SET LOCAL), COPY <table> TO shows the tenant's rows
    assert sorted(copy_out(cur, "COPY orders (tenant_id, id) TO STDOUT")) == sorted(own)
    with pytest.raises(psycopg2.errors.FeatureNotSupported) as e:
        cur.copy_expert("COPY orders FROM STDIN", io.StringIO("t3\t2001\t1\n"))
    assert "COPY FROM not supported with row-level security" in str(e.value)
    cur.execute("ROLLBACK")


def test_router_plans():
    """Tenant-scoped queries under the policy are single-shard router queries when they name the
    tenant (a constant or a parameter, also as a generic plan); the policy alone fans out."""
    app = connect(APP)
    cur = app.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT set_tenant_context('t1', true)")
    assert task_count(cur, "SELECT count(*) FROM orders") == 32
    assert task_count(cur, "SELECT count(*) FROM orders WHERE tenant_id = 't1'") == 1
    assert task_count(cur, "SELECT * FROM orders WHERE tenant_id = 't1' AND id = 3") == 1
    assert task_count(cur, "SELECT * FROM orders o JOIN tenant_ref r USING (tenant_id) WHERE o.tenant_id = 't1'") == 1
    cur.execute("PREPARE q(text) AS SELECT count(*) FROM orders WHERE tenant_id = $1")
    for _ in range(7):                                                 # past the custom plans
        assert one(cur, "EXECUTE q('t1')") == OWN
    assert task_count(cur, "EXECUTE q('t1')") == 1
    assert one(cur, "EXECUTE q('t2')") == 0                           # routed, and still filtered
    cur.execute("ROLLBACK")
    app.close()


def test_protected_tenant_routes_but_never_reaches_the_workers(admin):
    """Why protected mode stops at Citus tables: folding rls_fixer.tenant() to a constant on the
    coordinator does give a router plan, but the worker evaluates the shard's policy with its own
    rls_fixer.tenant, which nothing sets there: 0 rows. The audit flags such a policy."""
    cur = admin.cursor()
    cur.execute("CREATE TABLE folded (tenant_id text NOT NULL, id bigint)")
    cur.execute("SELECT create_distributed_table('folded', 'tenant_id', colocate_with := 'orders')")
    cur.execute("INSERT INTO folded SELECT tenant_id, id FROM orders")
    cur.execute("CREATE POLICY by_protected ON folded USING (tenant_id = rls_fixer.tenant())")
    cur.execute("ALTER TABLE folded ENABLE ROW LEVEL SECURITY")
    cur.execute(f"GRANT SELECT ON folded TO {APP}")
    try:
        f = findings(cur, "check_name = 'citus_context_unreachable' AND severity = 'error'")
        assert [(o, s) for _, _, o, _, s in f] == [(
            "public.folded.by_protected",
            "ALTER POLICY by_protected ON public.folded USING "
            "(tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK "
            "(tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))")]
        app = connect(APP)
        ac = app.cursor()
        ac.execute("BEGIN")
        ac.execute("SELECT set_tenant_context('t1', true)")
        assert task_count(ac, "SELECT count(*) FROM folded") == 1      # folded on the coordinator
        assert one(ac, "SELECT count(*) FROM folded") == 0             # but the worker sees no tenant
        ac.execute("ROLLBACK")
        app.close()
    finally:
        cur.execute("DROP TABLE folded")


def test_rls_verify_probes_the_shards(admin):
    cur = admin.cursor()
    got = rows(cur, f"SELECT object_name, probe, passed, detail FROM rls_verify(as_role => '{APP}')")
    failed = [g for g in got if g[2] is not True]
    assert failed == [], failed
    probes = {(o, p) for o, p, _, _ in got}
    for t in TABLES:
        for p in ["read_own_only", "read_without_tenant", "insert_other_tenant", "update_to_other_tenant",
                  "delete_other_tenant"]:
            assert (f"public.{t}", p) in probes, (t, p)
    router = {o: d for o, p, _, d in got if p == "citus_router_own_rows"}
    assert set(router) == {"public.orders", "public.invoices"}        # distributed by the tenant
    assert "1 task(s)" in router["public.orders"] and "shard " in router["public.orders"]
    update = {o: d for o, p, _, d in got if p == "update_to_other_tenant"}
    assert "partition value" in update["public.orders"]                # Citus refuses it outright


def test_rls_verify_fails_on_an_unprotected_distributed_table(admin):
    cur = admin.cursor()
    cur.execute("ALTER TABLE events DISABLE ROW LEVEL SECURITY")
    try:
        got = rows(cur, f"SELECT probe, passed FROM rls_verify(as_role => '{APP}') WHERE object_name = 'public.events'")
        assert dict(got)["read_own_only"] is False
        assert dict(got)["read_without_tenant"] is False
    finally:
        cur.execute("ALTER TABLE events ENABLE ROW LEVEL SECURITY")


def test_shard_mismatch_found_and_repaired(admin):
    cur = admin.cursor()
    # shard DDL by hand (what a stray run_command_on_shards does)
    rows(cur, "SELECT * FROM run_command_on_shards('events', $$ALTER TABLE %s NO FORCE ROW LEVEL SECURITY$$)")
    shard, port = rows(cur, """SELECT shard_name('orders', s.shardid), p.nodeport FROM pg_dist_shard s
                                JOIN pg_dist_shard_placement p USING (shardid)
                               WHERE s.logicalrelid = 'orders'::regclass ORDER BY s.shardid LIMIT 1""")[0]
    node = [n for n, p in NODES.items() if p == port][0]
    worker = connect(node=node)
    wc = worker.cursor()
    wc.execute("SET citus.enable_manual_changes_to_shards = on")
    wc.execute(f"DROP POLICY rls_fixer_tenant_isolation ON {shard}")   # one shard, on its worker
    worker.close()
    # and a policy loosened on one shard of invoices (same name, another expression)
    shard2, port2 = rows(cur, """SELECT shard_name('invoices', s.shardid), p.nodeport FROM pg_dist_shard s
                                  JOIN pg_dist_shard_placement p USING (shardid)
                                 WHERE s.logicalrelid = 'invoices'::regclass ORDER BY s.shardid LIMIT 1""")[0]
    worker = connect(node=[n for n, p in NODES.items() if p == port2][0])
    wc = worker.cursor()
    wc.execute("SET citus.enable_manual_changes_to_shards = on")
    wc.execute(f"ALTER POLICY rls_fixer_tenant_isolation ON {shard2} USING (true)")
    worker.close()
    f = findings(cur, "check_name = 'citus_shard_rls_mismatch'")
    by_obj = {}
    for _, sev, obj, detail, fix in f:
        by_obj.setdefault(obj, []).append((sev, detail, fix))
    assert set(by_obj) == {"public.events", "public.orders", "public.invoices"}, f
    assert all(sev == "error" for v in by_obj.values() for sev, _, _ in v)
    events_detail = " ".join(d for _, d, _ in by_obj["public.events"])
    assert "lack FORCE ROW LEVEL SECURITY" in events_detail
    assert {fx for _, _, fx in by_obj["public.events"]} == {"ALTER TABLE public.events FORCE ROW LEVEL SECURITY"}
    [(_, orders_detail, _)] = by_obj["public.orders"]                # one node holds that shard
    assert "1 shard(s) carry policies [none] where the table has [rls_fixer_tenant_isolation]" in orders_detail
    [(_, invoices_detail, _)] = by_obj["public.invoices"]
    assert "policies rls_fixer_tenant_isolation differ between the shards" in invoices_detail
    # the app on that shard's tenants would see nothing: repaired through the table, as the finding says
    cur.execute("ALTER TABLE public.events FORCE ROW LEVEL SECURITY")
    cur.execute("DROP POLICY IF EXISTS rls_fixer_tenant_isolation ON orders")
    cur.execute("DROP POLICY rls_fixer_tenant_isolation ON invoices")
    assert sorted(o for o, _, _ in rows(cur, "SELECT object_name, statement, applied FROM rls_fix(false)")) == [
        "public.invoices", "public.orders"]
    assert findings(cur, "check_name = 'citus_shard_rls_mismatch'") == []
    assert shard_states(cur, "orders") == {"true,true,rls_fixer_tenant_isolation": 32}


def test_context_warning_and_the_applications_own_set_local(admin):
    cur = admin.cursor()
    warn = findings(cur, "check_name = 'citus_context_unreachable'")
    assert [(s, o, fx) for _, s, o, _, fx in warn] == [
        ("warning", "citus.propagate_set_commands", f"ALTER ROLE {APP} SET citus.propagate_set_commands = 'local'")]
    # the application's own SET LOCAL does not reach the workers ...
    app = connect(APP)
    ac = app.cursor()
    ac.execute("BEGIN")
    ac.execute("SET LOCAL app.current_tenant_id = 't1'")
    assert one(ac, "SELECT count(*) FROM orders") == 0
    ac.execute("ROLLBACK")
    app.close()
    cur.execute(warn[0][4])
    try:
        assert findings(cur, "check_name = 'citus_context_unreachable'") == []
        app = connect(APP)                                              # ... until the role has 'local'
        ac = app.cursor()
        ac.execute("BEGIN")
        ac.execute("SET LOCAL app.current_tenant_id = 't1'")
        assert one(ac, "SELECT count(*) FROM orders") == OWN
        ac.execute("ROLLBACK")
        app.close()
    finally:
        cur.execute(f"ALTER ROLE {APP} RESET citus.propagate_set_commands")


def test_protected_mode_keeps_citus_tables_on_the_setting(admin):
    """In protected mode the coordinator's local tables get rls_fixer.tenant() (folded); Citus
    tables keep the form the workers can read. A protected-form generated policy on a table
    that is distributed later is rebuilt, undoably."""
    cur = admin.cursor()
    cur.execute("SET rls_fixer.context_mode = protected")
    try:
        plan = rows(cur, "SELECT check_name, object_name, statement FROM rls_fix(true)")
        assert [(c, o) for c, o, _ in plan] == [("generated_policy_outdated", "public.notes")]
        assert "rls_fixer.tenant()" in plan[0][2]
        spoof = findings(cur, "check_name = 'tenant_context_spoofable'")
        assert "read the setting in either mode" in spoof[0][3]
        # a table protected while local, in protected mode, then distributed
        cur.execute("SET rls_fixer.on_new_tenant_table = protect")
        cur.execute("CREATE TABLE later (tenant_id text NOT NULL, id bigint)")
        cur.execute("RESET rls_fixer.on_new_tenant_table")
        assert "rls_fixer.tenant()" in one(cur, "SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = 'later'::regclass")
        cur.execute("SELECT create_distributed_table('later', 'tenant_id', colocate_with := 'orders')")
        cur.execute("INSERT INTO later SELECT tenant_id, id FROM orders")
        cur.execute(f"GRANT SELECT ON later TO {APP}")
        outdated = findings(cur, "check_name = 'generated_policy_outdated' AND object_name LIKE 'public.later.%'")
        assert len(outdated) == 1 and "workers cannot receive the protected tenant" in outdated[0][3]
        fixed = rows(cur, "SELECT object_name, statement FROM rls_fix(false) WHERE object_name = 'public.later'")
        assert len(fixed) == 1 and "current_setting('app.current_tenant_id', true)" in fixed[0][1]
        assert shard_states(cur, "later") == {"true,true,rls_fixer_tenant_isolation": 32}
        app = connect(APP)
        ac = app.cursor()
        ac.execute("BEGIN")
        ac.execute("SELECT set_tenant_context('t1', true)")
        assert one(ac, "SELECT count(*) FROM later") == OWN
        ac.execute("ROLLBACK")
        app.close()
        run = one(cur, "SELECT max(run_id) FROM rls_fixer.fix_run WHERE NOT dry_run")
        rows(cur, "SELECT * FROM rls_undo(%s)", [run])                 # back to the protected form
        assert "rls_fixer.tenant()" in one(cur, "SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = 'later'::regclass")
    finally:
        cur.execute("RESET rls_fixer.context_mode")
        cur.execute("DROP TABLE IF EXISTS later")


def test_new_table_protected_then_distributed(admin):
    """on_new_tenant_table = protect in a Citus database gives the bare form, so the table can
    still be distributed (Citus refuses a table whose policy has a sub-select)."""
    cur = admin.cursor()
    cur.execute("SET rls_fixer.on_new_tenant_table = protect")
    try:
        cur.execute("CREATE TABLE born (tenant_id text NOT NULL, id bigint)")
        cur.execute("SELECT create_distributed_table('born', 'tenant_id', colocate_with := 'orders')")
        assert shard_states(cur, "born") == {"true,true,rls_fixer_tenant_isolation": 32}
    finally:
        cur.execute("RESET rls_fixer.on_new_tenant_table")
        cur.execute("DROP TABLE IF EXISTS born")


def test_node_queries_ignore_hostile_overloads(admin):
    """The shard summary runs on every node in a new session with that session's search_path
    (public first for a superuser's "$user", public): every function in it is qualified, so an
    overload in public that matches better than pg_catalog's (here concat_ws for the exact
    argument types of a call in it) never runs. Without the qualification the audit would run it as the
    auditing superuser on every node."""
    cur = admin.cursor()
    cur.execute("""CREATE FUNCTION public.concat_ws(text, "char", boolean, oid[]) RETURNS text
                   LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'hostile concat_ws ran as %', current_user; END$$""")
    try:
        assert one(cur, "SELECT count(*) FROM run_command_on_all_nodes($$SELECT 'public.concat_ws(text,\"char\",boolean,oid[])'::regprocedure$$) WHERE success") == 3
        f = findings(cur, "check_name = 'citus_shard_rls_mismatch'")
        assert f == [], f
    finally:
        cur.execute('DROP FUNCTION public.concat_ws(text, "char", boolean, oid[])')
