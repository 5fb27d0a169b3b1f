-- case: clean: smallint tenant column
-- schemas: c005
-- app_roles: c005_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c005_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c005;
GRANT USAGE ON SCHEMA c005 TO c005_app;
CREATE TABLE c005.orders (id bigint NOT NULL, tenant_id int2 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c005.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c005.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int2)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int2);
GRANT SELECT, INSERT, UPDATE, DELETE ON c005.orders TO c005_app;
