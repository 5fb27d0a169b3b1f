-- case: clean: the tenant policy is TO a group role the app role belongs to
-- schemas: c026
-- app_roles: c026_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c026_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c026;
GRANT USAGE ON SCHEMA c026 TO c026_app;
DO $$ BEGIN CREATE ROLE c026_rw NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT c026_rw TO c026_app;
CREATE TABLE c026.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c026.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c026.orders TO c026_rw
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c026.orders TO c026_app;
