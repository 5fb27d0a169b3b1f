-- case: clean: integer tenant column
-- schemas: c006
-- app_roles: c006_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c006_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c006;
GRANT USAGE ON SCHEMA c006 TO c006_app;
CREATE TABLE c006.orders (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c006.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c006.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4);
GRANT SELECT, INSERT, UPDATE, DELETE ON c006.orders TO c006_app;
