-- case: SECURITY DEFINER helper without search_path, reading no tenant table
-- schemas: c153
-- app_roles: c153_app
-- expect: function_search_path_mutable c153.now_utc()
DO $$ BEGIN CREATE ROLE c153_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c153;
GRANT USAGE ON SCHEMA c153 TO c153_app;
CREATE TABLE c153.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c153.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c153.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c153.orders TO c153_app;
CREATE FUNCTION c153.now_utc() RETURNS timestamp LANGUAGE sql SECURITY DEFINER AS $$ SELECT now() AT TIME ZONE 'UTC' $$;
