-- case: setting mode: the app role can SET app.current_tenant_id itself
-- schemas: c119
-- app_roles: c119_app
-- include: tenant_context_spoofable
-- expect: tenant_context_spoofable app.current_tenant_id
DO $$ BEGIN CREATE ROLE c119_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c119;
GRANT USAGE ON SCHEMA c119 TO c119_app;
CREATE TABLE c119.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c119.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c119.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c119.orders TO c119_app;
