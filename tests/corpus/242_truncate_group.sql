-- case: TRUNCATE granted to a group role the app role belongs to
-- schemas: c242
-- app_roles: c242_app
-- expect: tenant_table_truncate c242.orders
DO $$ BEGIN CREATE ROLE c242_writers NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE c242_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c242;
GRANT USAGE ON SCHEMA c242 TO c242_app;
CREATE TABLE c242.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c242.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c242.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c242.orders TO c242_app;
GRANT TRUNCATE ON c242.orders TO c242_writers;
GRANT c242_writers TO c242_app;
