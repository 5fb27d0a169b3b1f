-- case: the app role owns a forced and an unforced tenant table
-- schemas: c227
-- app_roles: c227_app
-- expect: role_owns_tenant_table c227.accounts
-- expect: role_owns_tenant_table c227.invoices
-- expect: rls_not_forced c227.invoices
DO $$ BEGIN CREATE ROLE c227_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c227;
GRANT USAGE ON SCHEMA c227 TO c227_app;
CREATE TABLE c227.accounts (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c227.accounts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c227.accounts
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE c227.invoices (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c227.invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c227.invoices
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
ALTER TABLE c227.accounts OWNER TO c227_app;
ALTER TABLE c227.invoices OWNER TO c227_app;
