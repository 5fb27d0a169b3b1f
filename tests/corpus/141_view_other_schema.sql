-- case: the API view lives in another audited schema
-- schemas: c141, c141_api
-- app_roles: c141_app
-- expect: view_bypasses_rls c141_api.orders
DO $$ BEGIN CREATE ROLE c141_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c141;
GRANT USAGE ON SCHEMA c141 TO c141_app;
CREATE SCHEMA c141_api;
CREATE TABLE c141.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c141.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c141.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c141.orders TO c141_app;
CREATE VIEW c141_api.orders AS SELECT id, tenant_id, note FROM c141.orders;
