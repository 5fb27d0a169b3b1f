-- case: default table privileges to the app role, not PUBLIC
-- schemas: c186
-- app_roles: c186_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c186_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c186;
GRANT USAGE ON SCHEMA c186 TO c186_app;
DO $$ BEGIN CREATE ROLE c186_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c186.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c186.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c186.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c186.orders TO c186_app;
ALTER DEFAULT PRIVILEGES FOR ROLE c186_owner IN SCHEMA c186 GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO c186_app;
