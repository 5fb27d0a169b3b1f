-- case: row_security = off for the app role in another database
-- schemas: c223
-- app_roles: c223_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c223_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c223;
GRANT USAGE ON SCHEMA c223 TO c223_app;
CREATE TABLE c223.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c223.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c223.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c223.orders TO c223_app;
ALTER ROLE c223_app IN DATABASE postgres SET row_security = off;
