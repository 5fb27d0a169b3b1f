-- case: numeric cast without NULLIF
-- schemas: c112
-- app_roles: c112_app
-- expect: policy_errors_without_tenant c112.orders.iso
DO $$ BEGIN CREATE ROLE c112_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c112;
GRANT USAGE ON SCHEMA c112 TO c112_app;
CREATE TABLE c112.orders (id bigint NOT NULL, tenant_id numeric NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c112.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c112.orders
  USING (tenant_id = current_setting('app.current_tenant_id', true)::numeric)
  WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::numeric);
GRANT SELECT, INSERT, UPDATE, DELETE ON c112.orders TO c112_app;
