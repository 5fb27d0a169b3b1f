-- case: the app role is a member of a NOLOGIN BYPASSRLS role
-- schemas: c161
-- app_roles: c161_app
-- expect: role_can_assume_bypass c161_app
DO $$ BEGIN CREATE ROLE c161_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c161;
GRANT USAGE ON SCHEMA c161 TO c161_app;
DO $$ BEGIN CREATE ROLE c161_support NOLOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT c161_support TO c161_app;
CREATE TABLE c161.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c161.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c161.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c161.orders TO c161_app;
