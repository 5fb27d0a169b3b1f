-- case: a small SaaS schema with several independent weaknesses
-- schemas: c234
-- app_roles: c234_app, c234_report
-- expect: unique_not_tenant_scoped c234.accounts.accounts_email_key
-- expect: rls_not_forced c234.invoices
-- expect: policy_errors_without_tenant c234.invoices.iso
-- expect: rls_disabled c234.payments
-- expect: rls_not_forced c234.payments
-- expect: tenant_policy_missing c234.payments
-- expect: view_bypasses_rls c234.invoice_totals
DO $$ BEGIN CREATE ROLE c234_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c234;
GRANT USAGE ON SCHEMA c234 TO c234_app;
DO $$ BEGIN CREATE ROLE c234_report LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT USAGE ON SCHEMA c234 TO c234_report;
CREATE TABLE c234.accounts (id bigint NOT NULL, tenant_id text NOT NULL, note text, email text UNIQUE, PRIMARY KEY (tenant_id, id));
ALTER TABLE c234.accounts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c234.accounts
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c234.accounts TO c234_app;
CREATE TABLE c234.invoices (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c234.invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c234.invoices
  USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
  WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c234.invoices TO c234_app;
CREATE TABLE c234.payments (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
GRANT SELECT, INSERT, UPDATE, DELETE ON c234.payments TO c234_app;
GRANT SELECT ON c234.accounts, c234.invoices TO c234_report;
CREATE VIEW c234.invoice_totals AS SELECT tenant_id, count(*) AS n FROM c234.invoices GROUP BY tenant_id;
GRANT SELECT ON c234.invoice_totals TO c234_report;
