-- case: the tenant read through a STABLE SQL wrapper function with a text body (AS $$ … $$)
-- schemas: c036
-- app_roles: c036_app
-- expect: tenant_policy_missing c036.orders
-- expect: permissive_policy_unscoped c036.orders.iso
-- why: A text body is parsed when the policy runs, with the caller's search_path: an app role that can
-- why: create a function in any schema runs SET search_path = evil, pg_catalog with
-- why: evil.current_setting(text, boolean) returning the victim's id and reads the victim's rows (checked
-- why: live; PostgreSQL 15). The catalog holds no parsed form of such a body, so the audit cannot prove
-- why: the pin. The same wrapper with a SQL-standard body (RETURN …, bound at CREATE time) is 244.
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
