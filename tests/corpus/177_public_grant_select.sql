-- case: SELECT on a tenant table granted to PUBLIC
-- schemas: c177
-- app_roles: c177_app
-- expect: tenant_table_public_grant c177.orders
DO $$ BEGIN CREATE ROLE c177_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c177;
GRANT USAGE ON SCHEMA c177 TO c177_app;
CREATE TABLE c177.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c177.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c177.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c177.orders TO c177_app;
GRANT SELECT ON c177.orders TO PUBLIC;
