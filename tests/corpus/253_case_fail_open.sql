-- case: a CASE that returns true when the tenant is missing
-- schemas: c253
-- app_roles: c253_app
-- expect: policy_fail_open c253.orders.iso
-- expect: policy_not_sargable c253.orders.iso
-- why: Unset or cleared: THEN true, every row; set: tenant_id = setting (no index condition: a CASE).
DO $$ BEGIN CREATE ROLE c253_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c253;
GRANT USAGE ON SCHEMA c253 TO c253_app;
CREATE TABLE c253.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c253.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c253.orders
  USING (CASE WHEN NULLIF(current_setting('app.current_tenant_id', true), '') IS NULL THEN true ELSE tenant_id = current_setting('app.current_tenant_id', true) END)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c253.orders TO c253_app;
