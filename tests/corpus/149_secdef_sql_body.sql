-- case: SECURITY DEFINER SQL-standard function counting all tenants' rows, executable by PUBLIC
-- schemas: c149
-- app_roles: c149_app
-- expect: security_definer_function c149.count_all_orders()
DO $$ BEGIN CREATE ROLE c149_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c149;
GRANT USAGE ON SCHEMA c149 TO c149_app;
CREATE TABLE c149.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c149.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c149.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c149.orders TO c149_app;
CREATE FUNCTION c149.count_all_orders() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC SELECT count(*) FROM c149.orders; END;
