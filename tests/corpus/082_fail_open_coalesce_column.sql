-- case: COALESCE(setting, tenant_id): unset compares the column with itself
-- schemas: c082
-- app_roles: c082_app
-- expect: policy_fail_open c082.orders.iso
DO $$ BEGIN CREATE ROLE c082_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c082;
GRANT USAGE ON SCHEMA c082 TO c082_app;
CREATE TABLE c082.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c082.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c082.orders
  USING (tenant_id = COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), tenant_id))
  WITH CHECK (tenant_id = COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), tenant_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON c082.orders TO c082_app;
