-- case: the tenant read through an IMMUTABLE wrapper: constant-folded into cached plans
-- schemas: c192
-- app_roles: c192_app
-- expect: policy_function_misdeclared c192.cur_tenant()
-- expect: tenant_policy_missing c192.orders
-- expect: permissive_policy_unscoped c192.orders.iso
-- why: An IMMUTABLE call may be folded at plan time: a reused plan keeps the first tenant, so the
-- why: policy does not pin the current one.
DO $$ BEGIN CREATE ROLE c192_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c192;
GRANT USAGE ON SCHEMA c192 TO c192_app;
CREATE FUNCTION c192.cur_tenant() RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '') $$;
CREATE TABLE c192.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c192.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c192.orders
  USING (tenant_id = c192.cur_tenant())
  WITH CHECK (tenant_id = c192.cur_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON c192.orders TO c192_app;
