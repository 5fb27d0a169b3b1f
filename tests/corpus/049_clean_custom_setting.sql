-- case: clean: rls_fixer.tenant_setting = app.tenant and the policies read app.tenant
-- schemas: c049
-- app_roles: c049_app
-- set: rls_fixer.tenant_setting = app.tenant
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c049_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c049;
GRANT USAGE ON SCHEMA c049 TO c049_app;
CREATE TABLE c049.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c049.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c049.orders
  USING (tenant_id = NULLIF(current_setting('app.tenant', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c049.orders TO c049_app;
