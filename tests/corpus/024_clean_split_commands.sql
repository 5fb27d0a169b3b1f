-- case: clean: one pinned permissive policy per command
-- schemas: c024
-- app_roles: c024_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c024_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c024;
GRANT USAGE ON SCHEMA c024 TO c024_app;
CREATE TABLE c024.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c024.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c024.orders TO c024_app;
CREATE POLICY sel ON c024.orders FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY ins ON c024.orders FOR INSERT WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY upd ON c024.orders FOR UPDATE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY del ON c024.orders FOR DELETE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
