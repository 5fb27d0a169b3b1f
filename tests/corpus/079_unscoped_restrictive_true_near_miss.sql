-- case: a RESTRICTIVE USING (true) is a no-op, not a leak
-- schemas: c079
-- app_roles: c079_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c079_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c079;
GRANT USAGE ON SCHEMA c079 TO c079_app;
CREATE TABLE c079.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c079.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c079.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c079.orders TO c079_app;
CREATE POLICY noop ON c079.orders AS RESTRICTIVE USING (true);
