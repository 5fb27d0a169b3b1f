-- case: enum cast without NULLIF: '' is not a label
-- schemas: c111
-- app_roles: c111_app
-- expect: policy_errors_without_tenant c111.orders.iso
DO $$ BEGIN CREATE ROLE c111_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c111;
GRANT USAGE ON SCHEMA c111 TO c111_app;
CREATE TYPE c111.tenant_name AS ENUM ('acme', 'globex');
CREATE TABLE c111.orders (id bigint NOT NULL, tenant_id c111.tenant_name NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c111.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c111.orders
  USING (tenant_id = current_setting('app.current_tenant_id', true)::c111.tenant_name)
  WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::c111.tenant_name);
GRANT SELECT, INSERT, UPDATE, DELETE ON c111.orders TO c111_app;
