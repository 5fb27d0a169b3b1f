-- case: uuid cast without NULLIF: a cleared setting ('') raises an error
-- schemas: c108
-- app_roles: c108_app
-- expect: policy_errors_without_tenant c108.orders.iso
DO $$ BEGIN CREATE ROLE c108_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c108;
GRANT USAGE ON SCHEMA c108 TO c108_app;
CREATE TABLE c108.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c108.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c108.orders
  USING (tenant_id = current_setting('app.current_tenant_id', true)::uuid)
  WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c108.orders TO c108_app;
