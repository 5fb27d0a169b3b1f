-- case: EXECUTE revoked from PUBLIC but granted to the app role
-- schemas: c152
-- app_roles: c152_app
-- expect: security_definer_function c152.count_all_orders()
DO $$ BEGIN CREATE ROLE c152_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c152;
GRANT USAGE ON SCHEMA c152 TO c152_app;
CREATE TABLE c152.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c152.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c152.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c152.orders TO c152_app;
CREATE FUNCTION c152.count_all_orders() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC SELECT count(*) FROM c152.orders; END;
REVOKE EXECUTE ON FUNCTION c152.count_all_orders() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION c152.count_all_orders() TO c152_app;
