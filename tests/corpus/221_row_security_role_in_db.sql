-- case: row_security = off for the app role in this database only
-- schemas: c221
-- app_roles: c221_app
-- expect: role_row_security_off c221_app
DO $$ BEGIN CREATE ROLE c221_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c221;
GRANT USAGE ON SCHEMA c221 TO c221_app;
CREATE TABLE c221.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c221.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c221.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c221.orders TO c221_app;
DO $$ BEGIN EXECUTE format('ALTER ROLE c221_app IN DATABASE %I SET row_security = off', current_database()); END $$;
