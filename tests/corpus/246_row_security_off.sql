-- case: ALTER ROLE app SET row_security = 'OFF'
-- schemas: c246
-- app_roles: c246_app
-- expect: role_row_security_off c246_app
-- why: Stored as written (row_security=OFF, row_security=0); PostgreSQL reads any spelling of a false
-- why: boolean.
DO $$ BEGIN CREATE ROLE c246_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c246;
GRANT USAGE ON SCHEMA c246 TO c246_app;
CREATE TABLE c246.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c246.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c246.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c246.orders TO c246_app;
ALTER ROLE c246_app SET row_security = 'OFF';
