-- case: current_setting without missing_ok: unset raises an error
-- schemas: c110
-- app_roles: c110_app
-- expect: policy_errors_without_tenant c110.orders.iso
DO $$ BEGIN CREATE ROLE c110_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c110;
GRANT USAGE ON SCHEMA c110 TO c110_app;
CREATE TABLE c110.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c110.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c110.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id'), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id'), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c110.orders TO c110_app;
