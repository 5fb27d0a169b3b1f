-- case: an extra FOR SELECT policy pins tenant_id to app.tenant
-- schemas: c101
-- app_roles: c101_app
-- expect: policy_setting_mismatch c101.orders.legacy_read
-- expect: permissive_policy_unscoped c101.orders.legacy_read
DO $$ BEGIN CREATE ROLE c101_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c101;
GRANT USAGE ON SCHEMA c101 TO c101_app;
CREATE TABLE c101.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c101.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c101.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c101.orders TO c101_app;
CREATE POLICY legacy_read ON c101.orders FOR SELECT USING (tenant_id = NULLIF(current_setting('app.tenant', true), ''));
