-- case: clean: a policy named like rls_fix's, in the configured (setting) form
-- schemas: c031
-- app_roles: c031_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c031_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c031;
GRANT USAGE ON SCHEMA c031 TO c031_app;
CREATE TABLE c031.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c031.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY rls_fixer_tenant_isolation ON c031.orders
  USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))
  WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')));
GRANT SELECT, INSERT, UPDATE, DELETE ON c031.orders TO c031_app;
