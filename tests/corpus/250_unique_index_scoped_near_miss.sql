-- case: a unique index on (tenant_id, lower(code)): scoped per tenant
-- schemas: c250
-- app_roles: c250_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c250_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c250;
GRANT USAGE ON SCHEMA c250 TO c250_app;
CREATE TABLE c250.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c250.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c250.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c250.orders TO c250_app;
CREATE UNIQUE INDEX orders_code_idx ON c250.orders (tenant_id, lower(code));
