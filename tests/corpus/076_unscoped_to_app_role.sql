-- case: USING (true) scoped TO the app role itself
-- schemas: c076
-- app_roles: c076_app
-- expect: permissive_policy_unscoped c076.orders.app_reads
DO $$ BEGIN CREATE ROLE c076_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c076;
GRANT USAGE ON SCHEMA c076 TO c076_app;
CREATE TABLE c076.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c076.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c076.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c076.orders TO c076_app;
CREATE POLICY app_reads ON c076.orders FOR SELECT TO c076_app USING (true);
