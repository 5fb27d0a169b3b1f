-- case: FOR ALL USING (pin) WITH CHECK (true): INSERT and UPDATE both unchecked
-- schemas: c093
-- app_roles: c093_app
-- expect: write_check_missing c093.orders.iso
-- expect: update_moves_tenant c093.orders.iso
DO $$ BEGIN CREATE ROLE c093_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c093;
GRANT USAGE ON SCHEMA c093 TO c093_app;
CREATE TABLE c093.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c093.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c093.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON c093.orders TO c093_app;
