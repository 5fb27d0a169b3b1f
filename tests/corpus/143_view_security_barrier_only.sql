-- case: security_barrier is not security_invoker
-- schemas: c143
-- app_roles: c143_app
-- expect: view_bypasses_rls c143.orders_v
DO $$ BEGIN CREATE ROLE c143_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c143;
GRANT USAGE ON SCHEMA c143 TO c143_app;
CREATE TABLE c143.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c143.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c143.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c143.orders TO c143_app;
CREATE VIEW c143.orders_v WITH (security_barrier = true) AS SELECT id, tenant_id FROM c143.orders WHERE note IS NOT NULL;
