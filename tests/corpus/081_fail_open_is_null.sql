-- case: IS NULL OR ...: the setting unset shows every row
-- schemas: c081
-- app_roles: c081_app
-- expect: policy_fail_open c081.orders.iso
DO $$ BEGIN CREATE ROLE c081_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c081;
GRANT USAGE ON SCHEMA c081 TO c081_app;
CREATE TABLE c081.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c081.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c081.orders
  USING (current_setting('app.current_tenant_id', true) IS NULL OR tenant_id = current_setting('app.current_tenant_id', true))
  WITH CHECK (current_setting('app.current_tenant_id', true) IS NULL OR tenant_id = current_setting('app.current_tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON c081.orders TO c081_app;
