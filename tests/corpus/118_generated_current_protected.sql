-- case: protected mode with generated policies in the protected form: nothing to report
-- schemas: c118
-- app_roles: c118_app
-- set: rls_fixer.context_mode = protected
-- include: tenant_context_spoofable
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c118_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c118;
GRANT USAGE ON SCHEMA c118 TO c118_app;
CREATE TABLE c118.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c118.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY rls_fixer_tenant_isolation ON c118.orders
  USING (tenant_id = (SELECT rls_fixer.tenant()))
  WITH CHECK (tenant_id = (SELECT rls_fixer.tenant()));
GRANT SELECT, INSERT, UPDATE, DELETE ON c118.orders TO c118_app;
