-- case: FOR INSERT checking a non-tenant column only
-- schemas: c089
-- app_roles: c089_app
-- expect: write_check_missing c089.orders.ins
DO $$ BEGIN CREATE ROLE c089_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c089;
GRANT USAGE ON SCHEMA c089 TO c089_app;
CREATE TABLE c089.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c089.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c089.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c089.orders TO c089_app;
CREATE POLICY ins ON c089.orders FOR INSERT WITH CHECK (note IS NOT NULL);
