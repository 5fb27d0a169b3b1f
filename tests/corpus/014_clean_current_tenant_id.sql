-- case: clean: the extension's current_tenant_id() accessor
-- schemas: c014
-- app_roles: c014_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c014_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c014;
GRANT USAGE ON SCHEMA c014 TO c014_app;
CREATE TABLE c014.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c014.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c014.orders
  USING (tenant_id = public.current_tenant_id())
  WITH CHECK (tenant_id = public.current_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON c014.orders TO c014_app;
