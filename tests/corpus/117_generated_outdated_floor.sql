-- case: a generated RESTRICTIVE floor in the protected form while the mode is setting
-- schemas: c117
-- app_roles: c117_app
-- expect: generated_policy_outdated c117.orders.rls_fixer_tenant_floor
DO $$ BEGIN CREATE ROLE c117_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c117;
GRANT USAGE ON SCHEMA c117 TO c117_app;
CREATE TABLE c117.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c117.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c117.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c117.orders TO c117_app;
CREATE POLICY rls_fixer_tenant_floor ON c117.orders AS RESTRICTIVE USING (tenant_id = (SELECT rls_fixer.tenant())) WITH CHECK (tenant_id = (SELECT rls_fixer.tenant()));
