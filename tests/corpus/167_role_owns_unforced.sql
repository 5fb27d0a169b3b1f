-- case: the app role owns an unforced tenant table (error)
-- schemas: c167
-- app_roles: c167_app
-- expect: role_owns_tenant_table c167.orders
-- expect: rls_not_forced c167.orders
DO $$ BEGIN CREATE ROLE c167_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c167;
GRANT USAGE ON SCHEMA c167 TO c167_app;
CREATE TABLE c167.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c167.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c167.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
ALTER TABLE c167.orders OWNER TO c167_app;
