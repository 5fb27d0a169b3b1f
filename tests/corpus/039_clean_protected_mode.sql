-- case: clean: protected mode, policies compare with rls_fixer.tenant(); not spoofable
-- schemas: c039
-- app_roles: c039_app
-- set: rls_fixer.context_mode = protected
-- include: tenant_context_spoofable
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c039_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c039;
GRANT USAGE ON SCHEMA c039 TO c039_app;
CREATE TABLE c039.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c039.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c039.orders
  USING (tenant_id = rls_fixer.tenant())
  WITH CHECK (tenant_id = rls_fixer.tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON c039.orders TO c039_app;
