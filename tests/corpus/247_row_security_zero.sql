-- case: ALTER ROLE app SET row_security = 0
-- schemas: c247
-- app_roles: c247_app
-- expect: role_row_security_off c247_app
-- why: Stored as written (row_security=OFF, row_security=0); PostgreSQL reads any spelling of a false
-- why: boolean.
DO $$ BEGIN CREATE ROLE c247_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c247;
GRANT USAGE ON SCHEMA c247 TO c247_app;
CREATE TABLE c247.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c247.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c247.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c247.orders TO c247_app;
ALTER ROLE c247_app SET row_security = 0;
