-- case: a plain index leading with tenant_id (no primary key)
-- schemas: c127
-- app_roles: c127_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c127_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c127;
GRANT USAGE ON SCHEMA c127 TO c127_app;
CREATE TABLE c127.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c127.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c127.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c127.orders TO c127_app;
CREATE INDEX ON c127.orders (tenant_id, id);
