-- case: protected mode: current_tenant_id() returns the protected tenant, not spoofable
-- schemas: c122
-- app_roles: c122_app
-- set: rls_fixer.context_mode = protected
-- include: tenant_context_spoofable
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c122_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c122;
GRANT USAGE ON SCHEMA c122 TO c122_app;
CREATE TABLE c122.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c122.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c122.orders
  USING (tenant_id = public.current_tenant_id())
  WITH CHECK (tenant_id = public.current_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON c122.orders TO c122_app;
