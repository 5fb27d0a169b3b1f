-- case: the tenant read through a STABLE SQL wrapper with a SQL-standard body (RETURN …)
-- schemas: c244
-- app_roles: c244_app
-- (no expect lines: must be clean)
-- why: The body is parsed and bound (by OID) at CREATE FUNCTION: a caller's search_path cannot change it
-- why: (checked live: the search_path hijack of 036 leaves this policy closed), and the planner inlines it;
-- why: its owner is the superuser, whom no app role can act as.
DO $$ BEGIN CREATE ROLE c244_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c244;
GRANT USAGE ON SCHEMA c244 TO c244_app;
CREATE FUNCTION c244.current_org() RETURNS text LANGUAGE sql STABLE
  RETURN NULLIF(current_setting('app.current_tenant_id', true), '');
CREATE TABLE c244.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c244.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c244.orders
  USING (tenant_id = c244.current_org())
  WITH CHECK (tenant_id = c244.current_org());
GRANT SELECT, INSERT, UPDATE, DELETE ON c244.orders TO c244_app;
