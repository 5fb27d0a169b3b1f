-- case: clean: current_tenant_id() cast to uuid (NULL when unset or cleared: no cast error)
-- schemas: c015
-- app_roles: c015_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c015_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c015;
GRANT USAGE ON SCHEMA c015 TO c015_app;
CREATE TABLE c015.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c015.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c015.orders
  USING (tenant_id = public.current_tenant_id()::uuid)
  WITH CHECK (tenant_id = public.current_tenant_id()::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c015.orders TO c015_app;
