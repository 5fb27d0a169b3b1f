-- case: uuid: FOR ALL USING (pin) WITH CHECK (tenant_id IS NOT NULL)
-- schemas: c095
-- app_roles: c095_app
-- expect: write_check_missing c095.orders.iso
-- expect: update_moves_tenant c095.orders.iso
DO $$ BEGIN CREATE ROLE c095_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c095;
GRANT USAGE ON SCHEMA c095 TO c095_app;
CREATE TABLE c095.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c095.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c095.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id IS NOT NULL);
GRANT SELECT, INSERT, UPDATE, DELETE ON c095.orders TO c095_app;
