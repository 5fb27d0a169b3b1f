-- case: the declared app role is a superuser
-- schemas: c157
-- app_roles: c157_app
-- expect: role_superuser c157_app
DO $$ BEGIN CREATE ROLE c157_app LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c157;
CREATE TABLE c157.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c157.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c157.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c157.orders TO c157_app;
