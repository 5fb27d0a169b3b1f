-- case: clean: two app roles (read-write and read-only), both covered
-- schemas: c048
-- app_roles: c048_app, c048_report
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c048_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c048;
GRANT USAGE ON SCHEMA c048 TO c048_app;
DO $$ BEGIN CREATE ROLE c048_report LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT USAGE ON SCHEMA c048 TO c048_report;
CREATE TABLE c048.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c048.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c048.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c048.orders TO c048_app;
GRANT SELECT ON c048.orders TO c048_report;
