-- case: a STABLE function reading current_user (correctly declared)
-- schemas: c196
-- app_roles: c196_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c196_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c196;
GRANT USAGE ON SCHEMA c196 TO c196_app;
CREATE FUNCTION c196.not_blocked() RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT current_user <> 'blocked_user' $$;
CREATE TABLE c196.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c196.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c196.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND c196.not_blocked())
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c196.orders TO c196_app;
