-- case: tenant_id allows NULL
-- schemas: c128
-- app_roles: c128_app
-- expect: tenant_column_nullable c128.orders
DO $$ BEGIN CREATE ROLE c128_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c128;
GRANT USAGE ON SCHEMA c128 TO c128_app;
CREATE TABLE c128.orders (id bigint NOT NULL, tenant_id text, note text);
ALTER TABLE c128.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c128.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c128.orders TO c128_app;
CREATE INDEX ON c128.orders (tenant_id);
