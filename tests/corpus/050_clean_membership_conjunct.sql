-- case: clean: tenant pin AND a membership sub-select on a read-only, RLS-protected table
-- schemas: c050
-- app_roles: c050_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c050_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c050;
GRANT USAGE ON SCHEMA c050 TO c050_app;
CREATE TABLE c050.members (org text NOT NULL, member name NOT NULL, PRIMARY KEY (org, member));
ALTER TABLE c050.members ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON c050.members FOR SELECT USING (member = current_user);
GRANT SELECT ON c050.members TO c050_app;
CREATE TABLE c050.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c050.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c050.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c050.members m WHERE m.org = tenant_id AND m.member = current_user))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c050.orders TO c050_app;
