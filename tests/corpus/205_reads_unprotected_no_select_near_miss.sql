-- case: the lookup has RLS off but the app role cannot read it
-- schemas: c205
-- app_roles: c205_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c205_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c205;
GRANT USAGE ON SCHEMA c205 TO c205_app;
CREATE TABLE c205.plans (name text PRIMARY KEY, active boolean NOT NULL);
CREATE TABLE c205.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, plan text NOT NULL, PRIMARY KEY (tenant_id, id));
ALTER TABLE c205.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c205.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND plan IN (SELECT p.name FROM c205.plans p WHERE p.active))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c205.orders TO c205_app;
