-- case: clean: a BYPASSRLS role exists, but it is not an app role and the app role cannot reach it
-- schemas: c047
-- app_roles: c047_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c047_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c047;
GRANT USAGE ON SCHEMA c047 TO c047_app;
DO $$ BEGIN CREATE ROLE c047_backup LOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c047.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c047.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c047.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c047.orders TO c047_app;
