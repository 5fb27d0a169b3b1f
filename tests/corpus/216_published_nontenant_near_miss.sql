-- case: only a lookup table (no tenant_id) is published
-- schemas: c216
-- app_roles: c216_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c216_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c216;
GRANT USAGE ON SCHEMA c216 TO c216_app;
CREATE TABLE c216.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c216.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c216.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c216.orders TO c216_app;
CREATE TABLE c216.countries (code char(2) PRIMARY KEY, name text);
CREATE PUBLICATION c216_pub FOR TABLE c216.countries;
