-- case: tenant pin AND a lookup the app role can UPDATE
-- schemas: c199
-- app_roles: c199_app
-- expect: policy_reads_writable_table c199.orders.iso
DO $$ BEGIN CREATE ROLE c199_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c199;
GRANT USAGE ON SCHEMA c199 TO c199_app;
CREATE TABLE c199.plans (name text PRIMARY KEY, active boolean NOT NULL);
ALTER TABLE c199.plans ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON c199.plans USING (true);
GRANT SELECT, UPDATE ON c199.plans TO c199_app;
CREATE TABLE c199.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, plan text NOT NULL, PRIMARY KEY (tenant_id, id));
ALTER TABLE c199.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c199.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND plan IN (SELECT p.name FROM c199.plans p WHERE p.active))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c199.orders TO c199_app;
