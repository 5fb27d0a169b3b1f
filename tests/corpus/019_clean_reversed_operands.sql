-- case: clean: operands reversed, setting = tenant_id
-- schemas: c019
-- app_roles: c019_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c019_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c019;
GRANT USAGE ON SCHEMA c019 TO c019_app;
CREATE TABLE c019.orders (id bigint NOT NULL, tenant_id int8 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c019.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c019.orders
  USING (NULLIF(current_setting('app.current_tenant_id', true), '')::int8 = tenant_id)
  WITH CHECK (NULLIF(current_setting('app.current_tenant_id', true), '')::int8 = tenant_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON c019.orders TO c019_app;
