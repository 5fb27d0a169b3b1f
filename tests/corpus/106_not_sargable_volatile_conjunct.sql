-- case: a VOLATILE (default volatility) function in the policy, evaluated per row
-- schemas: c106
-- app_roles: c106_app
-- expect: policy_not_sargable c106.orders.iso
DO $$ BEGIN CREATE ROLE c106_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c106;
GRANT USAGE ON SCHEMA c106 TO c106_app;
CREATE FUNCTION c106.feature_enabled() RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE TABLE c106.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c106.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c106.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND c106.feature_enabled())
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c106.orders TO c106_app;
