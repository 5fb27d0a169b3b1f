-- case: a FOR ALL TABLES publication publishes every tenant table
-- schemas: c214
-- app_roles: c214_app
-- expect: tenant_table_published c214.orders
-- expect: tenant_table_published c214.invoices
DO $$ BEGIN CREATE ROLE c214_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c214;
GRANT USAGE ON SCHEMA c214 TO c214_app;
CREATE TABLE c214.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c214.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c214.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c214.orders TO c214_app;
CREATE TABLE c214.invoices (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c214.invoices ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c214.invoices
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c214.invoices TO c214_app;
CREATE PUBLICATION c214_everything FOR ALL TABLES;
