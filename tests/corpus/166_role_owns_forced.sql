-- case: the app role owns a forced tenant table (warning)
-- schemas: c166
-- app_roles: c166_app
-- expect: role_owns_tenant_table c166.orders
DO $$ BEGIN CREATE ROLE c166_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c166;
GRANT USAGE ON SCHEMA c166 TO c166_app;
CREATE TABLE c166.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c166.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c166.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
ALTER TABLE c166.orders OWNER TO c166_app;
