-- case: the app role owns a table without tenant_id
-- schemas: c168
-- app_roles: c168_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c168_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c168;
GRANT USAGE ON SCHEMA c168 TO c168_app;
CREATE TABLE c168.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c168.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c168.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c168.orders TO c168_app;
CREATE TABLE c168.app_cache (key text PRIMARY KEY, value jsonb);
ALTER TABLE c168.app_cache OWNER TO c168_app;
