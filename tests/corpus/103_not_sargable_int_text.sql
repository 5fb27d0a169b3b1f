-- case: int column cast to text: no index use
-- schemas: c103
-- app_roles: c103_app
-- expect: policy_not_sargable c103.orders.iso
DO $$ BEGIN CREATE ROLE c103_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c103;
GRANT USAGE ON SCHEMA c103 TO c103_app;
CREATE TABLE c103.orders (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c103.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c103.orders
  USING (tenant_id::text = current_setting('app.current_tenant_id', true))
  WITH CHECK (tenant_id::text = current_setting('app.current_tenant_id', true));
GRANT SELECT, INSERT, UPDATE, DELETE ON c103.orders TO c103_app;
