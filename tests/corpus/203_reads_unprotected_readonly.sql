-- case: the policy reads a lookup with RLS off that the app role can read
-- schemas: c203
-- app_roles: c203_app
-- expect: policy_reads_unprotected_table c203.orders.iso
DO $$ BEGIN CREATE ROLE c203_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c203;
GRANT USAGE ON SCHEMA c203 TO c203_app;
CREATE TABLE c203.plans (name text PRIMARY KEY, active boolean NOT NULL);
GRANT SELECT ON c203.plans TO c203_app;
CREATE TABLE c203.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, plan text NOT NULL, PRIMARY KEY (tenant_id, id));
ALTER TABLE c203.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c203.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND plan IN (SELECT p.name FROM c203.plans p WHERE p.active))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c203.orders TO c203_app;
