-- case: clean: a RESTRICTIVE floor TO the app role neutralises USING (true) for it
-- schemas: c028
-- app_roles: c028_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c028_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c028;
GRANT USAGE ON SCHEMA c028 TO c028_app;
CREATE TABLE c028.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c028.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c028.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c028.orders TO c028_app;
CREATE POLICY reporting ON c028.orders FOR SELECT USING (true);
CREATE POLICY floor ON c028.orders AS RESTRICTIVE TO c028_app USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
