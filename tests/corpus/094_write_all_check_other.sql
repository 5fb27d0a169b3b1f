-- case: FOR ALL USING (pin) WITH CHECK (note IS NOT NULL)
-- schemas: c094
-- app_roles: c094_app
-- expect: write_check_missing c094.orders.iso
-- expect: update_moves_tenant c094.orders.iso
DO $$ BEGIN CREATE ROLE c094_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c094;
GRANT USAGE ON SCHEMA c094 TO c094_app;
CREATE TABLE c094.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c094.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c094.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (note IS NOT NULL);
GRANT SELECT, INSERT, UPDATE, DELETE ON c094.orders TO c094_app;
