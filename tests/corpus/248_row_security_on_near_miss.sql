-- case: ALTER ROLE app SET row_security = on
-- schemas: c248
-- app_roles: c248_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c248_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c248;
GRANT USAGE ON SCHEMA c248 TO c248_app;
CREATE TABLE c248.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c248.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c248.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c248.orders TO c248_app;
ALTER ROLE c248_app SET row_security = on;
