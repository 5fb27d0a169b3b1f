-- case: default privileges of the current user (postgres) in the schema, then a new table gets them
-- schemas: c184
-- app_roles: c184_app
-- expect: default_privileges_public postgres in schema c184
-- expect: tenant_table_public_grant c184.orders
-- why: orders is created after the default privileges, so it is born with SELECT for PUBLIC.
DO $$ BEGIN CREATE ROLE c184_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c184;
GRANT USAGE ON SCHEMA c184 TO c184_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA c184 GRANT SELECT ON TABLES TO PUBLIC;
CREATE TABLE c184.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c184.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c184.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c184.orders TO c184_app;
