-- case: clean: a SECURITY DEFINER function over a tenant table that no app role may execute
-- schemas: c044
-- app_roles: c044_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c044_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c044;
GRANT USAGE ON SCHEMA c044 TO c044_app;
CREATE TABLE c044.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c044.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c044.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c044.orders TO c044_app;
CREATE FUNCTION c044.count_all_orders() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC SELECT count(*) FROM c044.orders; END;
REVOKE EXECUTE ON FUNCTION c044.count_all_orders() FROM PUBLIC;
