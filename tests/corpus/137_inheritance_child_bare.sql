-- case: an INHERITS child without RLS
-- schemas: c137
-- app_roles: c137_app
-- expect: inheritance_child_unprotected c137.legacy_2019
DO $$ BEGIN CREATE ROLE c137_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c137;
GRANT USAGE ON SCHEMA c137 TO c137_app;
CREATE TABLE c137.legacy (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c137.legacy ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c137.legacy
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c137.legacy TO c137_app;
CREATE INDEX ON c137.legacy (tenant_id);
CREATE TABLE c137.legacy_2019 () INHERITS (c137.legacy);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c137 TO c137_app;
