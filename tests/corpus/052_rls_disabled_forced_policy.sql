-- case: FORCE and a tenant policy, but ENABLE forgotten: the policy is dormant
-- schemas: c052
-- app_roles: c052_app
-- expect: rls_disabled c052.orders
-- expect: policy_without_rls c052.orders
DO $$ BEGIN CREATE ROLE c052_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c052;
GRANT USAGE ON SCHEMA c052 TO c052_app;
CREATE TABLE c052.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c052.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c052.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c052.orders TO c052_app;
