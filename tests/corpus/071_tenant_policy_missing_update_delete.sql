-- case: tenant policies for SELECT and INSERT only
-- schemas: c071
-- app_roles: c071_app
-- expect: tenant_policy_missing c071.orders
DO $$ BEGIN CREATE ROLE c071_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c071;
GRANT USAGE ON SCHEMA c071 TO c071_app;
CREATE TABLE c071.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c071.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c071.orders TO c071_app;
CREATE POLICY sel ON c071.orders FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY ins ON c071.orders FOR INSERT WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
