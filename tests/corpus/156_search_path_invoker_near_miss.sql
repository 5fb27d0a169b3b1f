-- case: an unpinned SECURITY INVOKER function is not a hijack risk
-- schemas: c156
-- app_roles: c156_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c156_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c156;
GRANT USAGE ON SCHEMA c156 TO c156_app;
CREATE TABLE c156.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c156.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c156.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c156.orders TO c156_app;
CREATE FUNCTION c156.now_utc() RETURNS timestamp LANGUAGE sql AS $$ SELECT now() AT TIME ZONE 'UTC' $$;
