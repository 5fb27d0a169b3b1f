-- case: clean: NULLIF(COALESCE(setting, ''), '')::uuid fails closed without a cast error
-- schemas: c022
-- app_roles: c022_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c022_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c022;
GRANT USAGE ON SCHEMA c022 TO c022_app;
CREATE TABLE c022.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c022.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c022.orders
  USING (tenant_id = NULLIF(COALESCE(current_setting('app.current_tenant_id', true), ''), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(COALESCE(current_setting('app.current_tenant_id', true), ''), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c022.orders TO c022_app;
