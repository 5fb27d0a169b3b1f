-- case: row_security = on set explicitly
-- schemas: c225
-- app_roles: c225_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c225_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c225;
GRANT USAGE ON SCHEMA c225 TO c225_app;
CREATE TABLE c225.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c225.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c225.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c225.orders TO c225_app;
ALTER ROLE c225_app SET row_security = on;
