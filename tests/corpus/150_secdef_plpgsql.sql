-- case: SECURITY DEFINER plpgsql function reading the tenant table
-- schemas: c150
-- app_roles: c150_app
-- expect: security_definer_function c150.find_order(bigint)
DO $$ BEGIN CREATE ROLE c150_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c150;
GRANT USAGE ON SCHEMA c150 TO c150_app;
CREATE TABLE c150.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c150.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c150.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c150.orders TO c150_app;
CREATE FUNCTION c150.find_order(p_id bigint) RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN (SELECT note FROM c150.orders WHERE id = p_id LIMIT 1);
END $$;
