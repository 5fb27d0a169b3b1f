-- case: tenant_id NULLable and unindexed (uuid)
-- schemas: c129
-- app_roles: c129_app
-- expect: tenant_column_nullable c129.orders
-- expect: tenant_index_missing c129.orders
DO $$ BEGIN CREATE ROLE c129_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c129;
GRANT USAGE ON SCHEMA c129 TO c129_app;
CREATE TABLE c129.orders (id bigint NOT NULL, tenant_id uuid, note text);
ALTER TABLE c129.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c129.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c129.orders TO c129_app;
