-- case: the policy reads a lookup with RLS off that the app role can read and update
-- schemas: c200
-- app_roles: c200_app
-- expect: policy_reads_writable_table c200.orders.iso
-- expect: policy_reads_unprotected_table c200.orders.iso
-- why: Both definitions hold: the app can UPDATE plans (forging which plans are active for every
-- why: tenant) and read all of it without RLS. Revoking the writes (the first finding's fix) still
-- why: leaves every tenant reading the whole table, so the second is reported too.
DO $$ BEGIN CREATE ROLE c200_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c200;
GRANT USAGE ON SCHEMA c200 TO c200_app;
CREATE TABLE c200.plans (name text PRIMARY KEY, active boolean NOT NULL);
GRANT SELECT, UPDATE ON c200.plans TO c200_app;
CREATE TABLE c200.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, plan text NOT NULL, PRIMARY KEY (tenant_id, id));
ALTER TABLE c200.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c200.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND plan IN (SELECT p.name FROM c200.plans p WHERE p.active))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c200.orders TO c200_app;
