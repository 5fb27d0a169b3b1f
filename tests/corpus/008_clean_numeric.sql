-- case: clean: numeric tenant column
-- schemas: c008
-- app_roles: c008_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c008_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c008;
GRANT USAGE ON SCHEMA c008 TO c008_app;
CREATE TABLE c008.orders (id bigint NOT NULL, tenant_id numeric NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c008.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c008.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::numeric)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::numeric);
GRANT SELECT, INSERT, UPDATE, DELETE ON c008.orders TO c008_app;
