-- case: rls_fixer.tenant_setting = app.tenant, but the policy reads app.current_tenant_id
-- schemas: c102
-- app_roles: c102_app
-- set: rls_fixer.tenant_setting = app.tenant
-- expect: policy_setting_mismatch c102.orders.iso
-- expect: tenant_policy_missing c102.orders
-- expect: permissive_policy_unscoped c102.orders.iso
DO $$ BEGIN CREATE ROLE c102_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c102;
GRANT USAGE ON SCHEMA c102 TO c102_app;
CREATE TABLE c102.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c102.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c102.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c102.orders TO c102_app;
