-- case: clean: the generated form, a scalar sub-select (InitPlan) around the setting
-- schemas: c013
-- app_roles: c013_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c013_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c013;
GRANT USAGE ON SCHEMA c013 TO c013_app;
CREATE TABLE c013.orders (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c013.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c013.orders
  USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')::int4))
  WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')::int4));
GRANT SELECT, INSERT, UPDATE, DELETE ON c013.orders TO c013_app;
