-- case: clean: bigint tenant column
-- schemas: c007
-- app_roles: c007_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c007_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c007;
GRANT USAGE ON SCHEMA c007 TO c007_app;
CREATE TABLE c007.orders (id bigint NOT NULL, tenant_id int8 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c007.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c007.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8);
GRANT SELECT, INSERT, UPDATE, DELETE ON c007.orders TO c007_app;
