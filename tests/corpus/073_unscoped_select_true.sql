-- case: a permissive FOR SELECT USING (true) next to the tenant policy
-- schemas: c073
-- app_roles: c073_app
-- expect: permissive_policy_unscoped c073.orders.reporting
DO $$ BEGIN CREATE ROLE c073_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c073;
GRANT USAGE ON SCHEMA c073 TO c073_app;
CREATE TABLE c073.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c073.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c073.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c073.orders TO c073_app;
CREATE POLICY reporting ON c073.orders FOR SELECT USING (true);
