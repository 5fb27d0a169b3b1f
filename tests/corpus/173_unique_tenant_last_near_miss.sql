-- case: UNIQUE (code, tenant_id) includes tenant_id
-- schemas: c173
-- app_roles: c173_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c173_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c173;
GRANT USAGE ON SCHEMA c173 TO c173_app;
CREATE TABLE c173.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text, UNIQUE (code, tenant_id), PRIMARY KEY (tenant_id, id));
ALTER TABLE c173.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c173.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c173.orders TO c173_app;
