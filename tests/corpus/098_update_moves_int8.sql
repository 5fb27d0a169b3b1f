-- case: bigint: FOR UPDATE WITH CHECK (tenant_id > 0)
-- schemas: c098
-- app_roles: c098_app
-- expect: update_moves_tenant c098.orders.upd
DO $$ BEGIN CREATE ROLE c098_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c098;
GRANT USAGE ON SCHEMA c098 TO c098_app;
CREATE TABLE c098.orders (id bigint NOT NULL, tenant_id int8 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c098.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c098.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8);
GRANT SELECT, INSERT, UPDATE, DELETE ON c098.orders TO c098_app;
CREATE POLICY upd ON c098.orders FOR UPDATE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8) WITH CHECK (tenant_id > 0);
