-- case: setting mode: current_tenant_id() reads the spoofable setting
-- schemas: c121
-- app_roles: c121_app
-- include: tenant_context_spoofable
-- expect: tenant_context_spoofable app.current_tenant_id
DO $$ BEGIN CREATE ROLE c121_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c121;
GRANT USAGE ON SCHEMA c121 TO c121_app;
CREATE TABLE c121.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c121.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c121.orders
  USING (tenant_id = public.current_tenant_id())
  WITH CHECK (tenant_id = public.current_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON c121.orders TO c121_app;
