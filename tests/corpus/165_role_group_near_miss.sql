-- case: the app role belongs to a plain grants group
-- schemas: c165
-- app_roles: c165_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c165_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c165;
GRANT USAGE ON SCHEMA c165 TO c165_app;
DO $$ BEGIN CREATE ROLE c165_rw NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT c165_rw TO c165_app;
CREATE TABLE c165.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c165.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c165.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c165.orders TO c165_rw;
