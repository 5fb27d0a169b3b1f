-- case: an INHERITS child with RLS and a policy, not forced
-- schemas: c138
-- app_roles: c138_app
-- expect: inheritance_child_unprotected c138.legacy_2019
DO $$ BEGIN CREATE ROLE c138_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c138;
GRANT USAGE ON SCHEMA c138 TO c138_app;
CREATE TABLE c138.legacy (id bigint NOT NULL, tenant_id text NOT NULL, note text);
ALTER TABLE c138.legacy ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c138.legacy
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c138.legacy TO c138_app;
CREATE INDEX ON c138.legacy (tenant_id);
CREATE TABLE c138.legacy_2019 () INHERITS (c138.legacy);
ALTER TABLE c138.legacy_2019 ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c138.legacy_2019 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c138 TO c138_app;
