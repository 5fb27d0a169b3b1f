-- case: the tenant policy ORs in shared rows: not pinned to the tenant
-- schemas: c075
-- app_roles: c075_app
-- expect: permissive_policy_unscoped c075.orders.iso
-- expect: tenant_policy_missing c075.orders
DO $$ BEGIN CREATE ROLE c075_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c075;
GRANT USAGE ON SCHEMA c075 TO c075_app;
CREATE TABLE c075.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, shared boolean NOT NULL DEFAULT false, PRIMARY KEY (tenant_id, id));
ALTER TABLE c075.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c075.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') OR shared)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') OR shared);
GRANT SELECT, INSERT, UPDATE, DELETE ON c075.orders TO c075_app;
