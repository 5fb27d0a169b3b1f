-- case: int tenant: pin OR a per-row public flag (reporting rows for all)
-- schemas: c080
-- app_roles: c080_app
-- expect: permissive_policy_unscoped c080.orders.iso
-- expect: tenant_policy_missing c080.orders
DO $$ BEGIN CREATE ROLE c080_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c080;
GRANT USAGE ON SCHEMA c080 TO c080_app;
CREATE TABLE c080.orders (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, public_row boolean NOT NULL DEFAULT false, PRIMARY KEY (tenant_id, id));
ALTER TABLE c080.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c080.orders
  USING (public_row OR tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4);
GRANT SELECT, INSERT, UPDATE, DELETE ON c080.orders TO c080_app;
