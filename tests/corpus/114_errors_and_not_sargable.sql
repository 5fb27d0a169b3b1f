-- case: int cast to text and current_setting without missing_ok
-- schemas: c114
-- app_roles: c114_app
-- expect: policy_not_sargable c114.orders.iso
-- expect: policy_errors_without_tenant c114.orders.iso
DO $$ BEGIN CREATE ROLE c114_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c114;
GRANT USAGE ON SCHEMA c114 TO c114_app;
CREATE TABLE c114.orders (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c114.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c114.orders
  USING (tenant_id::text = current_setting('app.current_tenant_id'))
  WITH CHECK (tenant_id::text = current_setting('app.current_tenant_id'));
GRANT SELECT, INSERT, UPDATE, DELETE ON c114.orders TO c114_app;
