-- case: FOR INSERT TO the app role WITH CHECK (true)
-- schemas: c091
-- app_roles: c091_app
-- expect: write_check_missing c091.orders.app_ins
DO $$ BEGIN CREATE ROLE c091_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c091;
GRANT USAGE ON SCHEMA c091 TO c091_app;
CREATE TABLE c091.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c091.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c091.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c091.orders TO c091_app;
CREATE POLICY app_ins ON c091.orders FOR INSERT TO c091_app WITH CHECK (true);
