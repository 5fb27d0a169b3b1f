-- case: an index on (id, tenant_id) does not lead with tenant_id
-- schemas: c125
-- app_roles: c125_app
-- expect: tenant_index_missing c125.orders
DO $$ BEGIN CREATE ROLE c125_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c125;
GRANT USAGE ON SCHEMA c125 TO c125_app;
CREATE TABLE c125.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c125.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c125.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c125.orders TO c125_app;
CREATE INDEX ON c125.orders (id, tenant_id);
