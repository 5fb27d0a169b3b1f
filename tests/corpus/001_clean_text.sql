-- case: clean baseline: text tenant column, NULLIF(current_setting(..., true), '')
-- schemas: c001
-- app_roles: c001_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c001_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c001;
GRANT USAGE ON SCHEMA c001 TO c001_app;
CREATE TABLE c001.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c001.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c001.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c001.orders TO c001_app;
