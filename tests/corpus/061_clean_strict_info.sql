-- case: clean with strict-info: every table without tenant_id is reported as table_skipped
-- schemas: c061
-- app_roles: c061_app
-- strict-info
-- expect: table_skipped c061.countries
-- expect: table_skipped c061.plans
DO $$ BEGIN CREATE ROLE c061_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c061;
GRANT USAGE ON SCHEMA c061 TO c061_app;
CREATE TABLE c061.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c061.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c061.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c061.orders TO c061_app;
CREATE TABLE c061.countries (code char(2) PRIMARY KEY);
CREATE TABLE c061.plans (name text PRIMARY KEY);
