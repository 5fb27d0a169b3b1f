-- case: FOR UPDATE USING (pin) WITH CHECK (true): rows can be moved to another tenant
-- schemas: c096
-- app_roles: c096_app
-- expect: update_moves_tenant c096.orders.upd
DO $$ BEGIN CREATE ROLE c096_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c096;
GRANT USAGE ON SCHEMA c096 TO c096_app;
CREATE TABLE c096.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c096.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c096.orders TO c096_app;
CREATE POLICY sel ON c096.orders FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY ins ON c096.orders FOR INSERT WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY upd ON c096.orders FOR UPDATE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (true);
CREATE POLICY del ON c096.orders FOR DELETE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
