-- case: FOR INSERT without any WITH CHECK admits any new row
-- schemas: c088
-- app_roles: c088_app
-- expect: write_check_missing c088.orders.ins
DO $$ BEGIN CREATE ROLE c088_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c088;
GRANT USAGE ON SCHEMA c088 TO c088_app;
CREATE TABLE c088.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c088.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c088.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c088.orders TO c088_app;
CREATE POLICY ins ON c088.orders FOR INSERT;
