-- case: the only policy is a membership sub-select, not the tenant setting
-- schemas: c072
-- app_roles: c072_app
-- expect: tenant_policy_missing c072.orders
-- expect: permissive_policy_unscoped c072.orders.iso
-- why: members is read-only to the app role and protected, so only the missing setting pin is reported.
DO $$ BEGIN CREATE ROLE c072_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c072;
GRANT USAGE ON SCHEMA c072 TO c072_app;
CREATE TABLE c072.members (org text NOT NULL, member name NOT NULL, PRIMARY KEY (org, member));
ALTER TABLE c072.members ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON c072.members FOR SELECT USING (member = current_user);
GRANT SELECT ON c072.members TO c072_app;
CREATE TABLE c072.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c072.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c072.orders
  USING (tenant_id IN (SELECT m.org FROM c072.members m WHERE m.member = current_user))
  WITH CHECK (tenant_id IN (SELECT m.org FROM c072.members m WHERE m.member = current_user));
GRANT SELECT, INSERT, UPDATE, DELETE ON c072.orders TO c072_app;
