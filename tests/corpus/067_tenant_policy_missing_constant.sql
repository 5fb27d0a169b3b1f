-- case: the policy pins tenant_id to a constant
-- schemas: c067
-- app_roles: c067_app
-- expect: tenant_policy_missing c067.orders
-- expect: permissive_policy_unscoped c067.orders.iso
DO $$ BEGIN CREATE ROLE c067_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c067;
GRANT USAGE ON SCHEMA c067 TO c067_app;
CREATE TABLE c067.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c067.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c067.orders
  USING (tenant_id = 'acme')
  WITH CHECK (tenant_id = 'acme');
GRANT SELECT, INSERT, UPDATE, DELETE ON c067.orders TO c067_app;
