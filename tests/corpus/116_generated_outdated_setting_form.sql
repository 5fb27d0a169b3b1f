-- case: a generated policy in the setting form while the mode is protected
-- schemas: c116
-- app_roles: c116_app
-- set: rls_fixer.context_mode = protected
-- expect: generated_policy_outdated c116.orders.rls_fixer_tenant_isolation
DO $$ BEGIN CREATE ROLE c116_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c116;
GRANT USAGE ON SCHEMA c116 TO c116_app;
CREATE TABLE c116.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c116.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY rls_fixer_tenant_isolation ON c116.orders
  USING (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')))
  WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.current_tenant_id', true), '')));
GRANT SELECT, INSERT, UPDATE, DELETE ON c116.orders TO c116_app;
