-- case: SELECT on a lookup table (no tenant_id) granted to PUBLIC
-- schemas: c180
-- app_roles: c180_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c180_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c180;
GRANT USAGE ON SCHEMA c180 TO c180_app;
CREATE TABLE c180.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c180.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c180.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c180.orders TO c180_app;
CREATE TABLE c180.countries (code char(2) PRIMARY KEY, name text);
GRANT SELECT ON c180.countries TO PUBLIC;
