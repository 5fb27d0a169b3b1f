-- case: a foreign table (file_fdw) with tenant_id
-- schemas: c217
-- app_roles: c217_app
-- expect: foreign_tenant_table c217.imported_orders
CREATE EXTENSION IF NOT EXISTS file_fdw;
DO $$ BEGIN CREATE ROLE c217_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c217;
GRANT USAGE ON SCHEMA c217 TO c217_app;
CREATE TABLE c217.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c217.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c217.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c217.orders TO c217_app;
CREATE SERVER c217_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE c217.imported_orders (id bigint, tenant_id text, note text) SERVER c217_files OPTIONS (filename '/dev/null', format 'csv');
GRANT SELECT ON c217.imported_orders TO c217_app;
