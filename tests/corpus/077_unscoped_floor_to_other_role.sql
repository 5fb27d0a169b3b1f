-- case: permissive USING (true) hidden by a RESTRICTIVE floor TO another role
-- schemas: c077
-- app_roles: c077_app
-- expect: permissive_policy_unscoped c077.orders.reporting
-- why: The floor binds only c077_support; the app role sees every row through reporting.
DO $$ BEGIN CREATE ROLE c077_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c077;
GRANT USAGE ON SCHEMA c077 TO c077_app;
DO $$ BEGIN CREATE ROLE c077_support NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c077.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c077.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c077.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c077.orders TO c077_app;
CREATE POLICY reporting ON c077.orders FOR SELECT USING (true);
CREATE POLICY floor ON c077.orders AS RESTRICTIVE TO c077_support USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
