-- case: a RESTRICTIVE FOR SELECT floor next to a permissive FOR ALL USING (true)
-- schemas: c254
-- app_roles: c254_app
-- expect: permissive_policy_unscoped c254.orders.admin_all
-- why: The floor covers SELECT only: UPDATE c254.orders SET note = 'x' (no WHERE, so no SELECT policy
-- why: applies) and DELETE FROM c254.orders reach every tenant's rows through admin_all (checked live).
DO $$ BEGIN CREATE ROLE c254_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c254;
GRANT USAGE ON SCHEMA c254 TO c254_app;
CREATE TABLE c254.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c254.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c254.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c254.orders TO c254_app;
CREATE POLICY admin_all ON c254.orders USING (true);
CREATE POLICY floor_read ON c254.orders AS RESTRICTIVE FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
