-- case: clean: a BYPASSRLS migration role with grants, listed in rls_fixer.bypass_roles
-- schemas: c033
-- set: rls_fixer.bypass_roles = c033_migrator
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c033_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c033;
GRANT USAGE ON SCHEMA c033 TO c033_app;
DO $$ BEGIN CREATE ROLE c033_migrator LOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c033.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c033.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c033.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c033.orders TO c033_app;
GRANT ALL ON c033.orders TO c033_migrator;
