-- case: the policy pins org_id, not tenant_id, to the setting
-- schemas: c066
-- app_roles: c066_app
-- expect: tenant_policy_missing c066.orders
-- expect: permissive_policy_unscoped c066.orders.iso
DO $$ BEGIN CREATE ROLE c066_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c066;
GRANT USAGE ON SCHEMA c066 TO c066_app;
CREATE TABLE c066.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, org_id text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c066.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c066.orders
  USING (org_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (org_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c066.orders TO c066_app;
