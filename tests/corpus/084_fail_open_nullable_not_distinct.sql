-- case: IS NOT DISTINCT FROM on a NULLable column: rows without tenant show to requests without tenant
-- schemas: c084
-- app_roles: c084_app
-- expect: policy_fail_open c084.orders.iso
-- expect: tenant_column_nullable c084.orders
-- expect: policy_not_sargable c084.orders.iso
-- why: IS NOT DISTINCT FROM is no index condition (the plan filters; see 016).
DO $$ BEGIN CREATE ROLE c084_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c084;
GRANT USAGE ON SCHEMA c084 TO c084_app;
CREATE TABLE c084.orders (id bigint NOT NULL, tenant_id text, note text);
ALTER TABLE c084.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c084.orders
  USING (tenant_id IS NOT DISTINCT FROM NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id IS NOT DISTINCT FROM NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c084.orders TO c084_app;
CREATE INDEX ON c084.orders (tenant_id);
