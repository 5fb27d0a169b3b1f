-- case: only an expression index on lower(tenant_id)
-- schemas: c126
-- app_roles: c126_app
-- expect: tenant_index_missing c126.orders
DO $$ BEGIN CREATE ROLE c126_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c126;
GRANT USAGE ON SCHEMA c126 TO c126_app;
CREATE TABLE c126.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c126.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c126.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c126.orders TO c126_app;
CREATE INDEX ON c126.orders (lower(tenant_id));
