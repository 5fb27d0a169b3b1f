-- case: a CASE that fails closed when the tenant is missing, but no index use
-- schemas: c037
-- app_roles: c037_app
-- expect: policy_not_sargable c037.orders.iso
-- why: A CASE is no index condition: EXPLAIN as the app role (200,000 rows, an index leading with
-- why: tenant_id) shows a Seq Scan with the policy as a Filter, while the plain `tenant_id = NULLIF(...)`
-- why: uses the index (checked live); it still fails closed
-- why: Unset or cleared: false; set: tenant_id = setting.
DO $$ BEGIN CREATE ROLE c037_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c037;
GRANT USAGE ON SCHEMA c037 TO c037_app;
CREATE TABLE c037.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c037.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c037.orders
  USING (CASE WHEN NULLIF(current_setting('app.current_tenant_id', true), '') IS NULL THEN false ELSE tenant_id = current_setting('app.current_tenant_id', true) END)
  WITH CHECK (CASE WHEN NULLIF(current_setting('app.current_tenant_id', true), '') IS NULL THEN false ELSE tenant_id = current_setting('app.current_tenant_id', true) END);
GRANT SELECT, INSERT, UPDATE, DELETE ON c037.orders TO c037_app;
