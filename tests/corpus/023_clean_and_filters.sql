-- case: clean: the tenant pin AND other filters (soft delete, status)
-- schemas: c023
-- app_roles: c023_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c023_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c023;
GRANT USAGE ON SCHEMA c023 TO c023_app;
CREATE TABLE c023.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, deleted_at timestamptz, status text NOT NULL DEFAULT 'open', PRIMARY KEY (tenant_id, id));
ALTER TABLE c023.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c023.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND deleted_at IS NULL AND status <> 'purged')
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c023.orders TO c023_app;
