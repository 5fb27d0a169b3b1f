-- case: not forced, with a mixed-case table name (quoted in the finding)
-- schemas: c058
-- app_roles: c058_app
-- expect: rls_not_forced c058."Invoices"
DO $$ BEGIN CREATE ROLE c058_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c058;
GRANT USAGE ON SCHEMA c058 TO c058_app;
CREATE TABLE c058."Invoices" (id bigint NOT NULL, tenant_id text NOT NULL, PRIMARY KEY (tenant_id, id));
ALTER TABLE c058."Invoices" ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c058."Invoices" USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c058."Invoices" TO c058_app;
