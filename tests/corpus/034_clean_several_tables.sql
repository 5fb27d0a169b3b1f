-- case: clean: three tenant tables of different types and a lookup table without tenant_id
-- schemas: c034
-- app_roles: c034_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c034_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c034;
GRANT USAGE ON SCHEMA c034 TO c034_app;
CREATE TABLE c034.accounts (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c034.accounts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c034.accounts
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c034.accounts TO c034_app;
CREATE TABLE c034.invoices (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c034.invoices ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c034.invoices
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c034.invoices TO c034_app;
CREATE TABLE c034.events (id bigint NOT NULL, tenant_id int8 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c034.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c034.events
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8);
GRANT SELECT, INSERT, UPDATE, DELETE ON c034.events TO c034_app;
CREATE TABLE c034.countries (code char(2) PRIMARY KEY, name text NOT NULL);
GRANT SELECT ON c034.countries TO c034_app;
