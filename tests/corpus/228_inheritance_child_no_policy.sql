-- case: an INHERITS child with RLS enabled and forced but no policy
-- schemas: c228
-- app_roles: c228_app
-- expect: inheritance_child_unprotected c228.legacy_2020
DO $$ BEGIN CREATE ROLE c228_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c228;
GRANT USAGE ON SCHEMA c228 TO c228_app;
CREATE TABLE c228.legacy (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c228.legacy ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c228.legacy
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c228.legacy TO c228_app;
CREATE INDEX ON c228.legacy (tenant_id);
CREATE TABLE c228.legacy_2020 () INHERITS (c228.legacy);
ALTER TABLE c228.legacy_2020 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c228 TO c228_app;
