-- case: the declared app role has BYPASSRLS
-- schemas: c159
-- app_roles: c159_app
-- expect: role_bypassrls c159_app
DO $$ BEGIN CREATE ROLE c159_app LOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c159;
GRANT USAGE ON SCHEMA c159 TO c159_app;
CREATE TABLE c159.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c159.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c159.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c159.orders TO c159_app;
