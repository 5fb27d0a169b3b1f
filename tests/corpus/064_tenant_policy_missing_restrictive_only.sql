-- case: only a RESTRICTIVE tenant policy: no permissive policy grants anything
-- schemas: c064
-- app_roles: c064_app
-- expect: tenant_policy_missing c064.orders
DO $$ BEGIN CREATE ROLE c064_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c064;
GRANT USAGE ON SCHEMA c064 TO c064_app;
CREATE TABLE c064.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c064.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c064.orders TO c064_app;
CREATE POLICY floor ON c064.orders AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
