-- case: a text domain with a CHECK, cast after NULLIF: NULL passes the CHECK
-- schemas: c255
-- app_roles: c255_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c255_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c255;
GRANT USAGE ON SCHEMA c255 TO c255_app;
CREATE DOMAIN c255.tenant_code AS text CHECK (VALUE ~ '^t[0-9]+$');
CREATE TABLE c255.orders (id bigint NOT NULL, tenant_id c255.tenant_code NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c255.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c255.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c255.tenant_code)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::c255.tenant_code);
GRANT SELECT, INSERT, UPDATE, DELETE ON c255.orders TO c255_app;
