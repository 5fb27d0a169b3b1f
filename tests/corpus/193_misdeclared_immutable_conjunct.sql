-- case: an IMMUTABLE function reading current_user, ANDed with a proper pin
-- schemas: c193
-- app_roles: c193_app
-- expect: policy_function_misdeclared c193.not_blocked()
DO $$ BEGIN CREATE ROLE c193_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c193;
GRANT USAGE ON SCHEMA c193 TO c193_app;
CREATE FUNCTION c193.not_blocked() RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT current_user <> 'blocked_user' $$;
CREATE TABLE c193.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c193.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c193.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND c193.not_blocked())
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c193.orders TO c193_app;
