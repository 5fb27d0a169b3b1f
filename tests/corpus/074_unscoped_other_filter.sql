-- case: a permissive FOR ALL policy filtering on something else than the tenant
-- schemas: c074
-- app_roles: c074_app
-- expect: permissive_policy_unscoped c074.orders.active_rows
DO $$ BEGIN CREATE ROLE c074_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c074;
GRANT USAGE ON SCHEMA c074 TO c074_app;
CREATE TABLE c074.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, active boolean NOT NULL DEFAULT true, PRIMARY KEY (tenant_id, id));
ALTER TABLE c074.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c074.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c074.orders TO c074_app;
CREATE POLICY active_rows ON c074.orders USING (active);
