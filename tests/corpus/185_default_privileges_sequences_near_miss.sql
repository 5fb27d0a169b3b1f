-- case: default USAGE on sequences to PUBLIC (not tables)
-- schemas: c185
-- app_roles: c185_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c185_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c185;
GRANT USAGE ON SCHEMA c185 TO c185_app;
CREATE TABLE c185.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c185.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c185.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c185.orders TO c185_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA c185 GRANT USAGE ON SEQUENCES TO PUBLIC;
