-- case: clean: a permissive USING (true) neutralised by a RESTRICTIVE tenant floor for all roles
-- schemas: c027
-- app_roles: c027_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c027_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c027;
GRANT USAGE ON SCHEMA c027 TO c027_app;
CREATE TABLE c027.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c027.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c027.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c027.orders TO c027_app;
CREATE POLICY reporting ON c027.orders FOR SELECT USING (true);
CREATE POLICY floor ON c027.orders AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
