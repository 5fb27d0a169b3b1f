-- case: three tenant tables, one without RLS
-- schemas: c054
-- app_roles: c054_app
-- expect: rls_disabled c054.orders
-- expect: rls_not_forced c054.orders
-- expect: tenant_policy_missing c054.orders
DO $$ BEGIN CREATE ROLE c054_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c054;
GRANT USAGE ON SCHEMA c054 TO c054_app;
CREATE TABLE c054.accounts (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c054.accounts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c054.accounts
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c054.accounts TO c054_app;
CREATE TABLE c054.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
GRANT SELECT, INSERT, UPDATE, DELETE ON c054.orders TO c054_app;
CREATE TABLE c054.payments (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c054.payments ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c054.payments
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c054.payments TO c054_app;
