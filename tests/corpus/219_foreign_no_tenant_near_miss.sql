-- case: a foreign table without tenant_id
-- schemas: c219
-- app_roles: c219_app
-- (no expect lines: must be clean)
CREATE EXTENSION IF NOT EXISTS file_fdw;
DO $$ BEGIN CREATE ROLE c219_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c219;
GRANT USAGE ON SCHEMA c219 TO c219_app;
CREATE TABLE c219.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c219.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c219.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c219.orders TO c219_app;
CREATE SERVER c219_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE c219.exchange_rates (currency text, rate numeric) SERVER c219_files OPTIONS (filename '/dev/null', format 'csv');
