-- case: clean: the tenant policy is TO the app role itself
-- schemas: c025
-- app_roles: c025_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c025_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c025;
GRANT USAGE ON SCHEMA c025 TO c025_app;
CREATE TABLE c025.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c025.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c025.orders TO c025_app
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c025.orders TO c025_app;
