-- case: SECURITY DEFINER with SET search_path = pg_catalog, pg_temp (pg_temp listed last)
-- schemas: c239
-- app_roles: c239_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c239_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c239;
GRANT USAGE ON SCHEMA c239 TO c239_app;
CREATE TABLE c239.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c239.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c239.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c239.orders TO c239_app;
CREATE FUNCTION c239.table_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT count(*) FROM pg_class $$;
