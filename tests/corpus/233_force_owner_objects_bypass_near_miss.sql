-- case: the same objects, owned by a BYPASSRLS reporting role listed in rls_fixer.bypass_roles
-- schemas: c233
-- app_roles: c233_app
-- set: rls_fixer.bypass_roles = c233_owner
-- (no expect lines: must be clean)
-- why: A BYPASSRLS owner is not bound by FORCE: its reports see every tenant, as intended.
DO $$ BEGIN CREATE ROLE c233_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c233;
GRANT USAGE ON SCHEMA c233 TO c233_app;
DO $$ BEGIN CREATE ROLE c233_owner NOLOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c233.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c233.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c233.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c233.orders TO c233_app;
ALTER TABLE c233.orders OWNER TO c233_owner;
CREATE MATERIALIZED VIEW c233.order_totals AS SELECT tenant_id, count(*) AS n FROM c233.orders GROUP BY tenant_id WITH NO DATA;
ALTER MATERIALIZED VIEW c233.order_totals OWNER TO c233_owner;
CREATE FUNCTION c233.totals() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC SELECT count(*) FROM c233.orders; END;
ALTER FUNCTION c233.totals() OWNER TO c233_owner;
REVOKE EXECUTE ON FUNCTION c233.totals() FROM PUBLIC;
