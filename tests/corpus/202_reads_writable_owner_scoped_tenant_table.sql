-- case: the only gate reads a FORCEd tenant table whose policy scopes by owner, not tenant
-- schemas: c202
-- app_roles: c202_app
-- expect: policy_reads_writable_table c202.orders.iso
-- expect: tenant_policy_missing c202.orders
-- expect: permissive_policy_unscoped c202.orders.iso
-- expect: tenant_policy_missing c202.accounts
-- expect: permissive_policy_unscoped c202.accounts.iso
-- why: accounts has RLS and FORCE but its policy pins owner, not tenant: INSERT INTO accounts (id,
-- why: tenant_id, owner) VALUES (1, 'victim', current_user) passes it, stays visible to the orders
-- why: policy's sub-select, and opens the victim's orders.
DO $$ BEGIN CREATE ROLE c202_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c202;
GRANT USAGE ON SCHEMA c202 TO c202_app;
CREATE TABLE c202.accounts (id bigint NOT NULL, tenant_id text NOT NULL, note text, owner name, PRIMARY KEY (tenant_id, id));
ALTER TABLE c202.accounts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c202.accounts
  USING (owner = current_user)
  WITH CHECK (owner = current_user);
GRANT SELECT, INSERT, UPDATE, DELETE ON c202.accounts TO c202_app;
CREATE TABLE c202.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c202.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c202.orders
  USING (tenant_id IN (SELECT a.tenant_id FROM c202.accounts a WHERE a.owner = current_user))
  WITH CHECK (tenant_id IN (SELECT a.tenant_id FROM c202.accounts a WHERE a.owner = current_user));
GRANT SELECT, INSERT, UPDATE, DELETE ON c202.orders TO c202_app;
