-- case: clean: uuid tenant column, NULLIF(...)::uuid
-- schemas: c004
-- app_roles: c004_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c004_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c004;
GRANT USAGE ON SCHEMA c004 TO c004_app;
CREATE TABLE c004.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c004.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c004.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c004.orders TO c004_app;
