-- case: a plain view over a table without tenant_id
-- schemas: c145
-- app_roles: c145_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c145_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c145;
GRANT USAGE ON SCHEMA c145 TO c145_app;
CREATE TABLE c145.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c145.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c145.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c145.orders TO c145_app;
CREATE TABLE c145.countries (code char(2) PRIMARY KEY, name text);
CREATE VIEW c145.country_names AS SELECT name FROM c145.countries;
GRANT SELECT ON c145.country_names TO c145_app;
