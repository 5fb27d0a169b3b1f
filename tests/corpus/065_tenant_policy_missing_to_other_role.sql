-- case: the only tenant policy applies TO another role, not to the app role
-- schemas: c065
-- app_roles: c065_app
-- expect: tenant_policy_missing c065.orders
-- why: For the app role no policy applies at all: the tenant policy exists, but not for it.
DO $$ BEGIN CREATE ROLE c065_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c065;
GRANT USAGE ON SCHEMA c065 TO c065_app;
DO $$ BEGIN CREATE ROLE c065_admin NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c065.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c065.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c065.orders TO c065_admin
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c065.orders TO c065_app;
