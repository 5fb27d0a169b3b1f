-- case: security_invoker = false written out
-- schemas: c142
-- app_roles: c142_app
-- expect: view_bypasses_rls c142.orders_v
DO $$ BEGIN CREATE ROLE c142_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c142;
GRANT USAGE ON SCHEMA c142 TO c142_app;
CREATE TABLE c142.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c142.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c142.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c142.orders TO c142_app;
CREATE VIEW c142.orders_v WITH (security_invoker = false) AS SELECT id, tenant_id FROM c142.orders;
