-- case: a non-superuser owner of a FORCEd tenant table also owns a materialized view and a SECURITY DEFINER function over it
-- schemas: c232
-- app_roles: c232_app
-- expect: force_affects_owner_objects c232.order_totals
-- expect: force_affects_owner_objects c232.totals()
-- why: With FORCE the owner is bound by the tenant policy: REFRESH stores one tenant's rows (none
-- why: without a tenant) and totals() counts only the caller's tenant.
DO $$ BEGIN CREATE ROLE c232_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c232;
GRANT USAGE ON SCHEMA c232 TO c232_app;
DO $$ BEGIN CREATE ROLE c232_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c232.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c232.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c232.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c232.orders TO c232_app;
ALTER TABLE c232.orders OWNER TO c232_owner;
CREATE MATERIALIZED VIEW c232.order_totals AS SELECT tenant_id, count(*) AS n FROM c232.orders GROUP BY tenant_id WITH NO DATA;
ALTER MATERIALIZED VIEW c232.order_totals OWNER TO c232_owner;
CREATE FUNCTION c232.totals() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC SELECT count(*) FROM c232.orders; END;
ALTER FUNCTION c232.totals() OWNER TO c232_owner;
REVOKE EXECUTE ON FUNCTION c232.totals() FROM PUBLIC;
