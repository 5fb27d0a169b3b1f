-- case: clean: no app_roles given; the LOGIN role with grants is detected as the app role
-- schemas: c032
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c032_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c032;
GRANT USAGE ON SCHEMA c032 TO c032_app;
CREATE TABLE c032.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c032.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c032.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c032.orders TO c032_app;
