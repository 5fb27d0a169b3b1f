-- case: a view over a view over a tenant table: both run as their owner
-- schemas: c140
-- app_roles: c140_app
-- expect: view_bypasses_rls c140.v1
-- expect: view_bypasses_rls c140.v2
DO $$ BEGIN CREATE ROLE c140_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c140;
GRANT USAGE ON SCHEMA c140 TO c140_app;
CREATE TABLE c140.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c140.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c140.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c140.orders TO c140_app;
CREATE VIEW c140.v1 AS SELECT id, tenant_id FROM c140.orders;
CREATE VIEW c140.v2 AS SELECT id FROM c140.v1;
