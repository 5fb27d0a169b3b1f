-- case: FOR UPDATE USING (pin) without WITH CHECK: USING checks the new row
-- schemas: c099
-- app_roles: c099_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c099_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c099;
GRANT USAGE ON SCHEMA c099 TO c099_app;
CREATE TABLE c099.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c099.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c099.orders TO c099_app;
CREATE POLICY sel ON c099.orders FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY ins ON c099.orders FOR INSERT WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY upd ON c099.orders FOR UPDATE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY del ON c099.orders FOR DELETE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
