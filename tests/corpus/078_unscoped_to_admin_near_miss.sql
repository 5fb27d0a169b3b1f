-- case: USING (true) TO a NOLOGIN admin role the app role is not a member of
-- schemas: c078
-- app_roles: c078_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c078_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c078;
GRANT USAGE ON SCHEMA c078 TO c078_app;
DO $$ BEGIN CREATE ROLE c078_admin NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c078.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c078.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c078.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c078.orders TO c078_app;
CREATE POLICY admin_all ON c078.orders TO c078_admin USING (true);
