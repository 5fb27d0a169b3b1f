-- case: no index on tenant_id
-- schemas: c124
-- app_roles: c124_app
-- expect: tenant_index_missing c124.orders
DO $$ BEGIN CREATE ROLE c124_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c124;
GRANT USAGE ON SCHEMA c124 TO c124_app;
CREATE TABLE c124.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c124.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c124.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c124.orders TO c124_app;
