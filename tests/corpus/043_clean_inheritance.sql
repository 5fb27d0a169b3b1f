-- case: clean: an INHERITS child protected like its parent
-- schemas: c043
-- app_roles: c043_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c043_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c043;
GRANT USAGE ON SCHEMA c043 TO c043_app;
CREATE TABLE c043.legacy (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c043.legacy ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c043.legacy
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c043.legacy TO c043_app;
CREATE INDEX ON c043.legacy (tenant_id);
CREATE TABLE c043.legacy_2019 () INHERITS (c043.legacy);
CREATE INDEX ON c043.legacy_2019 (tenant_id);
ALTER TABLE c043.legacy_2019 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c043.legacy_2019 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
