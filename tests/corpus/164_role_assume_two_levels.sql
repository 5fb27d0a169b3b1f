-- case: app -> mid -> BYPASSRLS role
-- schemas: c164
-- app_roles: c164_app
-- expect: role_can_assume_bypass c164_app
DO $$ BEGIN CREATE ROLE c164_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c164;
GRANT USAGE ON SCHEMA c164 TO c164_app;
DO $$ BEGIN CREATE ROLE c164_mid NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE c164_bypass NOLOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT c164_bypass TO c164_mid;
GRANT c164_mid TO c164_app;
CREATE TABLE c164.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c164.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c164.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c164.orders TO c164_app;
