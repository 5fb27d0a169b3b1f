-- case: a tenant table referencing a lookup table (no tenant data behind the key)
-- schemas: c176
-- app_roles: c176_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c176_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c176;
GRANT USAGE ON SCHEMA c176 TO c176_app;
CREATE TABLE c176.countries (code char(2) PRIMARY KEY, name text);
GRANT SELECT ON c176.countries TO c176_app;
CREATE TABLE c176.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, country char(2) REFERENCES c176.countries (code), PRIMARY KEY (tenant_id, id));
ALTER TABLE c176.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c176.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c176.orders TO c176_app;
