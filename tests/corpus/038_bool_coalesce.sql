-- case: COALESCE(tenant_id = NULLIF(...), false): fails closed (NULL and false both reject the row), but no index use
-- schemas: c038
-- app_roles: c038_app
-- expect: policy_not_sargable c038.orders.iso
-- why: A COALESCE is no index condition: EXPLAIN as the app role (200,000 rows, an index leading with
-- why: tenant_id) shows a Seq Scan with the policy as a Filter, while the plain `tenant_id = NULLIF(...)`
-- why: uses the index (checked live); it still fails closed
DO $$ BEGIN CREATE ROLE c038_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c038;
GRANT USAGE ON SCHEMA c038 TO c038_app;
CREATE TABLE c038.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c038.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c038.orders
  USING (COALESCE(tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''), false))
  WITH CHECK (COALESCE(tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''), false));
GRANT SELECT, INSERT, UPDATE, DELETE ON c038.orders TO c038_app;
