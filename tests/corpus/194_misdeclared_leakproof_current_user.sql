-- case: a LEAKPROOF function reading current_user in a policy
-- schemas: c194
-- app_roles: c194_app
-- expect: policy_function_misdeclared c194.is_reader(name)
DO $$ BEGIN CREATE ROLE c194_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c194;
GRANT USAGE ON SCHEMA c194 TO c194_app;
CREATE FUNCTION c194.is_reader(who name) RETURNS boolean LANGUAGE sql STABLE LEAKPROOF
  AS $$ SELECT who = current_user $$;
CREATE TABLE c194.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, reader name, PRIMARY KEY (tenant_id, id));
ALTER TABLE c194.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c194.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND (reader IS NULL OR c194.is_reader(reader)))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c194.orders TO c194_app;
