-- case: FOR INSERT WITH CHECK (true) next to the tenant policy
-- schemas: c087
-- app_roles: c087_app
-- expect: write_check_missing c087.orders.ins
DO $$ BEGIN CREATE ROLE c087_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c087;
GRANT USAGE ON SCHEMA c087 TO c087_app;
CREATE TABLE c087.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c087.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c087.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c087.orders TO c087_app;
CREATE POLICY ins ON c087.orders FOR INSERT WITH CHECK (true);
