-- case: clean: a domain over text as the tenant column type
-- schemas: c010
-- app_roles: c010_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c010_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c010;
GRANT USAGE ON SCHEMA c010 TO c010_app;
CREATE DOMAIN c010.tenant_key AS text CHECK (VALUE <> '');
CREATE TABLE c010.orders (id bigint NOT NULL, tenant_id c010.tenant_key NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c010.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c010.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c010.tenant_key)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c010.tenant_key);
GRANT SELECT, INSERT, UPDATE, DELETE ON c010.orders TO c010_app;
