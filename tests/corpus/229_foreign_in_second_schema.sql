-- case: a foreign table with tenant_id in a second audited schema, readable by the app role
-- schemas: c229, c229_ext
-- app_roles: c229_app
-- expect: foreign_tenant_table c229_ext.partner_orders
CREATE EXTENSION IF NOT EXISTS file_fdw;
DO $$ BEGIN CREATE ROLE c229_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c229;
GRANT USAGE ON SCHEMA c229 TO c229_app;
CREATE SCHEMA c229_ext;
GRANT USAGE ON SCHEMA c229_ext TO c229_app;
CREATE TABLE c229.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c229.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c229.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c229.orders TO c229_app;
CREATE SERVER c229_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE c229_ext.partner_orders (id bigint, tenant_id int8, amount numeric) SERVER c229_files OPTIONS (filename '/dev/null', format 'csv');
GRANT SELECT ON c229_ext.partner_orders TO c229_app;
