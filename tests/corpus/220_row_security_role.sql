-- case: ALTER ROLE app SET row_security = off
-- schemas: c220
-- app_roles: c220_app
-- expect: role_row_security_off c220_app
DO $$ BEGIN CREATE ROLE c220_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c220;
GRANT USAGE ON SCHEMA c220 TO c220_app;
CREATE TABLE c220.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c220.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c220.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c220.orders TO c220_app;
ALTER ROLE c220_app SET row_security = off;
