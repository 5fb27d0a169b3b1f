-- case: clean: an enum tenant column (NULLIF first, so '' never reaches the enum input)
-- schemas: c012
-- app_roles: c012_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c012_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c012;
GRANT USAGE ON SCHEMA c012 TO c012_app;
CREATE TYPE c012.tenant_name AS ENUM ('acme', 'globex', 'initech');
CREATE TABLE c012.orders (id bigint NOT NULL, tenant_id c012.tenant_name NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c012.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c012.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c012.tenant_name)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c012.tenant_name);
GRANT SELECT, INSERT, UPDATE, DELETE ON c012.orders TO c012_app;
