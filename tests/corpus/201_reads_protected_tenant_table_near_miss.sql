-- case: the policy reads another tenant table the app role can write, but only for its own tenant
-- schemas: c201
-- app_roles: c201_app
-- (no expect lines: must be clean)
-- why: accounts is FORCEd with a tenant policy that pins writes: the app role can only write its own
-- why: tenant's accounts, so it cannot forge what the orders policy reads about another tenant.
DO $$ BEGIN CREATE ROLE c201_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c201;
GRANT USAGE ON SCHEMA c201 TO c201_app;
CREATE TABLE c201.accounts (id bigint NOT NULL, tenant_id text NOT NULL, note text, active boolean NOT NULL DEFAULT true, PRIMARY KEY (tenant_id, id));
ALTER TABLE c201.accounts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c201.accounts
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c201.accounts TO c201_app;
CREATE TABLE c201.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c201.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c201.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c201.accounts a WHERE a.tenant_id = orders.tenant_id AND a.active))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c201.orders TO c201_app;
