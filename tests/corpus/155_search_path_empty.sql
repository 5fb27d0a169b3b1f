-- case: SET search_path = '' leaves pg_temp searched first for relations
-- schemas: c155
-- app_roles: c155_app
-- expect: function_search_path_mutable c155.now_utc()
-- why: pg_temp not listed is searched first for tables and views (docs, CREATE FUNCTION, "Writing SECURITY
-- why: DEFINER Functions Safely"): checked live, a SECURITY DEFINER function with SET search_path = '' (or
-- why: = pg_catalog) counting pg_class counts the caller's temporary table pg_class; with
-- why: pg_catalog, pg_temp it counts the catalog.
DO $$ BEGIN CREATE ROLE c155_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c155;
GRANT USAGE ON SCHEMA c155 TO c155_app;
CREATE TABLE c155.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c155.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c155.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c155.orders TO c155_app;
CREATE FUNCTION c155.now_utc() RETURNS timestamp LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT pg_catalog.now() AT TIME ZONE 'UTC' $$;
