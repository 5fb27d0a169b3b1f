-- case: bigint cast without NULLIF
-- schemas: c109
-- app_roles: c109_app
-- expect: policy_errors_without_tenant c109.orders.iso
DO $$ BEGIN CREATE ROLE c109_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c109;
GRANT USAGE ON SCHEMA c109 TO c109_app;
CREATE TABLE c109.orders (id bigint NOT NULL, tenant_id int8 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c109.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c109.orders
  USING (tenant_id = current_setting('app.current_tenant_id', true)::int8)
  WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::int8);
GRANT SELECT, INSERT, UPDATE, DELETE ON c109.orders TO c109_app;
