-- The demo multi-tenant database, in the state the deployment guide describes:
-- tenant tables with tenant_id, some without RLS, one with RLS but not FORCEd, an app login
-- role with BYPASSRLS that owns a tenant table, a table without tenant_id, plus the quieter
-- leaks: a partition, a view, a USING (true) policy.
-- Loaded by `make demo` (scripts/demo.sh) and by the pg_regress golden test.

DROP SCHEMA IF EXISTS app CASCADE;
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'saas_app') THEN
    EXECUTE 'DROP OWNED BY saas_app CASCADE';
    EXECUTE 'DROP ROLE saas_app';
  END IF;
END $$;
CREATE ROLE saas_app LOGIN BYPASSRLS;

CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO saas_app;

-- the guide's test table: two tenants, no RLS at all
CREATE TABLE app.rls_test_table (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    note      text
);
CREATE INDEX ON app.rls_test_table (tenant_id);
INSERT INTO app.rls_test_table (tenant_id, note)
SELECT 'tenant' || (1 + i % 2), 'row ' || i FROM generate_series(1, 10) i;   -- 5 rows each

-- customers: no RLS, nullable tenant column, no tenant index
CREATE TABLE app.customers (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text,
    name      text NOT NULL
);
INSERT INTO app.customers (tenant_id, name) VALUES ('tenant1', 'Ada'), ('tenant1', 'Alan'), ('tenant2', 'Grace');

-- orders: RLS with a tenant policy, but not FORCEd, and an extra USING (true) read policy
CREATE TABLE app.orders (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    total     numeric NOT NULL
);
CREATE INDEX ON app.orders (tenant_id);
ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON app.orders
    USING (tenant_id = current_setting('app.current_tenant_id', true));
CREATE POLICY reporting_read ON app.orders FOR SELECT USING (true);
INSERT INTO app.orders (tenant_id, total) VALUES ('tenant1', 10), ('tenant1', 20), ('tenant2', 30);

-- documents: owned by the app role (which also has BYPASSRLS)
CREATE TABLE app.documents (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    title     text NOT NULL
);
CREATE INDEX ON app.documents (tenant_id);
INSERT INTO app.documents (tenant_id, title) VALUES ('tenant1', 'plan.pdf'), ('tenant2', 'memo.txt');
ALTER TABLE app.documents OWNER TO saas_app;

-- events: partitioned, the parent protected, the partitions not
CREATE TABLE app.events (
    tenant_id text NOT NULL,
    at        date NOT NULL,
    kind      text NOT NULL
) PARTITION BY RANGE (at);
CREATE INDEX ON app.events (tenant_id);
CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE app.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON app.events
    USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
INSERT INTO app.events VALUES ('tenant1', '2026-03-01', 'login'), ('tenant2', '2026-03-02', 'login');

-- a view over a tenant table, running with its owner's rights
CREATE VIEW app.order_totals AS
    SELECT tenant_id, sum(total) AS total FROM app.orders GROUP BY tenant_id;

-- not a tenant table: reference data
CREATE TABLE app.countries (code text PRIMARY KEY, name text NOT NULL);
INSERT INTO app.countries VALUES ('DE', 'Germany'), ('FR', 'France');

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO saas_app;
