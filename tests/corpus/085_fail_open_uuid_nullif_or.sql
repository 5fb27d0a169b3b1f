-- case: uuid: NULLIF(setting, '') IS NULL OR tenant_id = ...
-- schemas: c085
-- app_roles: c085_app
-- expect: policy_fail_open c085.orders.iso
DO $$ BEGIN CREATE ROLE c085_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c085;
GRANT USAGE ON SCHEMA c085 TO c085_app;
CREATE TABLE c085.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c085.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c085.orders
  USING (NULLIF(current_setting('app.current_tenant_id', true), '') IS NULL OR tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (NULLIF(current_setting('app.current_tenant_id', true), '') IS NULL OR tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c085.orders TO c085_app;
