-- case: a generated policy in the protected form while the mode is setting
-- schemas: c115
-- app_roles: c115_app
-- expect: generated_policy_outdated c115.orders.rls_fixer_tenant_isolation
DO $$ BEGIN CREATE ROLE c115_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c115;
GRANT USAGE ON SCHEMA c115 TO c115_app;
CREATE TABLE c115.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c115.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY rls_fixer_tenant_isolation ON c115.orders
  USING (tenant_id = (SELECT rls_fixer.tenant()))
  WITH CHECK (tenant_id = (SELECT rls_fixer.tenant()));
GRANT SELECT, INSERT, UPDATE, DELETE ON c115.orders TO c115_app;
