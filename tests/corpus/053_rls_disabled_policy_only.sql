-- case: a tenant policy created, RLS neither enabled nor forced
-- schemas: c053
-- app_roles: c053_app
-- expect: rls_disabled c053.orders
-- expect: rls_not_forced c053.orders
-- expect: policy_without_rls c053.orders
DO $$ BEGIN CREATE ROLE c053_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c053;
GRANT USAGE ON SCHEMA c053 TO c053_app;
CREATE TABLE c053.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
CREATE POLICY iso ON c053.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c053.orders TO c053_app;
