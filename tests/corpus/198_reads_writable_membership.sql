-- case: the policy trusts a membership table the app role can INSERT into
-- schemas: c198
-- app_roles: c198_app
-- expect: policy_reads_writable_table c198.orders.iso
-- expect: tenant_policy_missing c198.orders
-- expect: permissive_policy_unscoped c198.orders.iso
-- why: INSERT INTO members (org, member) VALUES ('victim', current_user) passes members' policy and
-- why: opens the victim's orders.
DO $$ BEGIN CREATE ROLE c198_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c198;
GRANT USAGE ON SCHEMA c198 TO c198_app;
CREATE TABLE c198.members (org text NOT NULL, member name NOT NULL, PRIMARY KEY (org, member));
ALTER TABLE c198.members ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON c198.members USING (member = current_user);
GRANT SELECT, INSERT ON c198.members TO c198_app;
CREATE TABLE c198.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c198.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c198.orders
  USING (tenant_id IN (SELECT m.org FROM c198.members m WHERE m.member = current_user))
  WITH CHECK (tenant_id IN (SELECT m.org FROM c198.members m WHERE m.member = current_user));
GRANT SELECT, INSERT, UPDATE, DELETE ON c198.orders TO c198_app;
