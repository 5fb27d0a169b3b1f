-- case: a fail-open permissive policy neutralised by a fail-closed RESTRICTIVE floor
-- schemas: c086
-- app_roles: c086_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c086_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c086;
GRANT USAGE ON SCHEMA c086 TO c086_app;
CREATE TABLE c086.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c086.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c086.orders
  USING (current_setting('app.current_tenant_id', true) IS NULL OR tenant_id = current_setting('app.current_tenant_id', true))
  WITH CHECK (current_setting('app.current_tenant_id', true) IS NULL OR tenant_id = current_setting('app.current_tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON c086.orders TO c086_app;
CREATE POLICY floor ON c086.orders AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
