-- case: row_security = off for a non-app maintenance role
-- schemas: c224
-- app_roles: c224_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c224_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c224;
GRANT USAGE ON SCHEMA c224 TO c224_app;
DO $$ BEGIN CREATE ROLE c224_maint NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c224.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c224.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c224.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c224.orders TO c224_app;
ALTER ROLE c224_maint SET row_security = off;
