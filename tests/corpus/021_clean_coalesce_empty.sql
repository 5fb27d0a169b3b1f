-- case: clean: COALESCE(NULLIF(setting, ''), '') still fails closed (no tenant has the empty id)
-- schemas: c021
-- app_roles: c021_app
-- (no expect lines: must be clean)
-- why: Unset or cleared, the right side is '' and the CHECK constraint guarantees no row has tenant_id
-- why: = ''.
DO $$ BEGIN CREATE ROLE c021_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c021;
GRANT USAGE ON SCHEMA c021 TO c021_app;
CREATE TABLE c021.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, CHECK (tenant_id <> ''), PRIMARY KEY (tenant_id, id));
ALTER TABLE c021.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c021.orders
  USING (tenant_id = COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), ''))
  WITH CHECK (tenant_id = COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c021.orders TO c021_app;
