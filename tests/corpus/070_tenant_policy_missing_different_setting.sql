-- case: the policy pins tenant_id to app.tenant, not app.current_tenant_id
-- schemas: c070
-- app_roles: c070_app
-- expect: tenant_policy_missing c070.orders
-- expect: permissive_policy_unscoped c070.orders.iso
-- expect: policy_setting_mismatch c070.orders.iso
DO $$ BEGIN CREATE ROLE c070_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c070;
GRANT USAGE ON SCHEMA c070 TO c070_app;
CREATE TABLE c070.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c070.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c070.orders
  USING (tenant_id = NULLIF(current_setting('app.tenant', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c070.orders TO c070_app;
