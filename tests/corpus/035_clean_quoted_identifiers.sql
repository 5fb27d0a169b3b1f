-- case: clean: mixed-case, spaced identifiers
-- schemas: c035
-- app_roles: c035_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c035_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c035;
GRANT USAGE ON SCHEMA c035 TO c035_app;
CREATE TABLE c035."Order Lines" (id bigint NOT NULL, tenant_id text NOT NULL, PRIMARY KEY (tenant_id, id));
ALTER TABLE c035."Order Lines" ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY "Tenant Iso" ON c035."Order Lines" USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c035."Order Lines" TO c035_app;
