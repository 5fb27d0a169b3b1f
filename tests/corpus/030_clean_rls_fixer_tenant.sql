-- case: clean: hand-written policy on rls_fixer.tenant() in setting mode (set_tenant_context sets both)
-- schemas: c030
-- app_roles: c030_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c030_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c030;
GRANT USAGE ON SCHEMA c030 TO c030_app;
CREATE TABLE c030.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c030.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c030.orders
  USING (tenant_id = rls_fixer.tenant())
  WITH CHECK (tenant_id = rls_fixer.tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON c030.orders TO c030_app;
