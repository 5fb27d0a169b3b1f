-- case: of two declared app roles, the reporting one is a superuser
-- schemas: c226
-- app_roles: c226_app, c226_report
-- expect: role_superuser c226_report
DO $$ BEGIN CREATE ROLE c226_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c226;
GRANT USAGE ON SCHEMA c226 TO c226_app;
DO $$ BEGIN CREATE ROLE c226_report LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c226.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c226.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c226.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c226.orders TO c226_app;
GRANT SELECT ON c226.orders TO c226_report;
