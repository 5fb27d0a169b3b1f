-- case: a plain view over a tenant table
-- schemas: c139
-- app_roles: c139_app
-- expect: view_bypasses_rls c139.orders_v
DO $$ BEGIN CREATE ROLE c139_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c139;
GRANT USAGE ON SCHEMA c139 TO c139_app;
CREATE TABLE c139.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c139.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c139.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c139.orders TO c139_app;
CREATE VIEW c139.orders_v AS SELECT id, tenant_id, note FROM c139.orders;
GRANT SELECT ON c139.orders_v TO c139_app;
