-- case: FOR ALL WITH CHECK (true) neutralised by a RESTRICTIVE floor that checks new rows
-- schemas: c100
-- app_roles: c100_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c100_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c100;
GRANT USAGE ON SCHEMA c100 TO c100_app;
CREATE TABLE c100.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c100.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c100.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON c100.orders TO c100_app;
CREATE POLICY floor ON c100.orders AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
