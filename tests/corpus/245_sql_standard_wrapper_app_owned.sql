-- case: the same SQL-standard wrapper, owned by the app role (which can replace its body)
-- schemas: c245
-- app_roles: c245_app
-- expect: tenant_policy_missing c245.orders
-- expect: permissive_policy_unscoped c245.orders.iso
-- why: As its owner (with CREATE on the schema, which CREATE OR REPLACE also needs) the app role runs
-- why: CREATE OR REPLACE FUNCTION … RETURN 'victim' and reads the victim's rows (checked live): what
-- why: the body says today proves nothing. (Ownership alone, without CREATE, did not let it replace
-- why: the body; the audit does not inline any function an app role owns either way.)
DO $$ BEGIN CREATE ROLE c245_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c245;
GRANT USAGE ON SCHEMA c245 TO c245_app;
CREATE FUNCTION c245.current_org() RETURNS text LANGUAGE sql STABLE
  RETURN NULLIF(current_setting('app.current_tenant_id', true), '');
ALTER FUNCTION c245.current_org() OWNER TO c245_app;
GRANT CREATE ON SCHEMA c245 TO c245_app;
CREATE TABLE c245.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c245.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c245.orders
  USING (tenant_id = c245.current_org())
  WITH CHECK (tenant_id = c245.current_org());
GRANT SELECT, INSERT, UPDATE, DELETE ON c245.orders TO c245_app;
