-- case: ALTER ROLE app SET row_security = false (stored as spelled: row_security=false)
-- schemas: c237
-- app_roles: c237_app
-- expect: role_row_security_off c237_app
-- why: pg_db_role_setting keeps the value as written (false, OFF, 0, no): every spelling of a false
-- why: boolean turns row security off.
DO $$ BEGIN CREATE ROLE c237_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c237;
GRANT USAGE ON SCHEMA c237 TO c237_app;
CREATE TABLE c237.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c237.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c237.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c237.orders TO c237_app;
ALTER ROLE c237_app SET row_security = false;
