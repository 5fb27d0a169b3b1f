-- case: uuid table, enabled with a tenant policy, not forced
-- schemas: c056
-- app_roles: c056_app
-- expect: rls_not_forced c056.orders
DO $$ BEGIN CREATE ROLE c056_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c056;
GRANT USAGE ON SCHEMA c056 TO c056_app;
CREATE TABLE c056.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c056.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c056.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c056.orders TO c056_app;
