-- case: a rule on a table without tenant_id
-- schemas: c212
-- app_roles: c212_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c212_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c212;
GRANT USAGE ON SCHEMA c212 TO c212_app;
CREATE TABLE c212.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c212.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c212.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c212.orders TO c212_app;
CREATE TABLE c212.audit_log (at timestamptz NOT NULL DEFAULT now(), what text);
CREATE TABLE c212.audit_archive (LIKE c212.audit_log);
CREATE RULE archive AS ON INSERT TO c212.audit_log DO ALSO INSERT INTO c212.audit_archive VALUES (NEW.at, NEW.what);
