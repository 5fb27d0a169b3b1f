-- case: clean: the tenant read through a STABLE SQL wrapper function (inlined by the planner)
-- schemas: c036
-- app_roles: c036_app
-- (no expect lines: must be clean)
-- why: Semantically a correct pin (STABLE, owned by the superuser, reads the configured setting); an
-- why: audit that does not look into functions cannot prove it.
DO $$ BEGIN CREATE ROLE c036_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c036;
GRANT USAGE ON SCHEMA c036 TO c036_app;
CREATE FUNCTION c036.current_org() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '') $$;
CREATE TABLE c036.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c036.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c036.orders
  USING (tenant_id = c036.current_org())
  WITH CHECK (tenant_id = c036.current_org());
GRANT SELECT, INSERT, UPDATE, DELETE ON c036.orders TO c036_app;
