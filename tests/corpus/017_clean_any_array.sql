-- case: clean: tenant_id = ANY (ARRAY[setting])
-- schemas: c017
-- app_roles: c017_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c017_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c017;
GRANT USAGE ON SCHEMA c017 TO c017_app;
CREATE TABLE c017.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c017.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c017.orders
  USING (tenant_id = ANY (ARRAY[NULLIF(current_setting('app.current_tenant_id', true), '')]))
  WITH CHECK (tenant_id = ANY (ARRAY[NULLIF(current_setting('app.current_tenant_id', true), '')]));
GRANT SELECT, INSERT, UPDATE, DELETE ON c017.orders TO c017_app;
