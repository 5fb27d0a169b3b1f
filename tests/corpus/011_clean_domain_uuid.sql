-- case: clean: a domain over uuid as the tenant column type
-- schemas: c011
-- app_roles: c011_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c011_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c011;
GRANT USAGE ON SCHEMA c011 TO c011_app;
CREATE DOMAIN c011.tenant_uuid AS uuid;
CREATE TABLE c011.orders (id bigint NOT NULL, tenant_id c011.tenant_uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c011.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c011.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c011.tenant_uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c011.tenant_uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c011.orders TO c011_app;
