-- case: ... OR setting = '': a cleared setting shows every row
-- schemas: c083
-- app_roles: c083_app
-- expect: policy_fail_open c083.orders.iso
DO $$ BEGIN CREATE ROLE c083_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c083;
GRANT USAGE ON SCHEMA c083 TO c083_app;
CREATE TABLE c083.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c083.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c083.orders
  USING (tenant_id = current_setting('app.current_tenant_id', true) OR current_setting('app.current_tenant_id', true) = '')
  WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true) OR current_setting('app.current_tenant_id', true) = '');
GRANT SELECT, INSERT, UPDATE, DELETE ON c083.orders TO c083_app;
