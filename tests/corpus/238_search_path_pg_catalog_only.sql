-- case: SECURITY DEFINER with SET search_path = pg_catalog: pg_temp is still searched first for relations
-- schemas: c238
-- app_roles: c238_app
-- expect: function_search_path_mutable c238.table_count()
-- why: Unlisted, pg_temp comes before pg_catalog for tables and views: a caller's CREATE TEMP TABLE pg_class
-- why: is what the function counts (checked live). Listing pg_temp last closes it (239).
DO $$ BEGIN CREATE ROLE c238_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c238;
GRANT USAGE ON SCHEMA c238 TO c238_app;
CREATE TABLE c238.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c238.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c238.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c238.orders TO c238_app;
CREATE FUNCTION c238.table_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ SELECT count(*) FROM pg_class $$;
