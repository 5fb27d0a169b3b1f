-- case: enabled with a tenant policy, not forced
-- schemas: c055
-- app_roles: c055_app
-- expect: rls_not_forced c055.orders
DO $$ BEGIN CREATE ROLE c055_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c055;
GRANT USAGE ON SCHEMA c055 TO c055_app;
CREATE TABLE c055.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c055.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c055.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c055.orders TO c055_app;
