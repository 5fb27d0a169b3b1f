-- case: a NOINHERIT app role can still SET ROLE into a superuser role it belongs to
-- schemas: c163
-- app_roles: c163_app
-- expect: role_can_assume_bypass c163_app
DO $$ BEGIN CREATE ROLE c163_app LOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE c163_root NOLOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT c163_root TO c163_app;
CREATE SCHEMA c163;
GRANT USAGE ON SCHEMA c163 TO c163_app;
CREATE TABLE c163.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c163.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c163.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c163.orders TO c163_app;
