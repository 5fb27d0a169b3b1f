-- case: ALTER DEFAULT PRIVILEGES FOR ROLE owner GRANT INSERT ON TABLES TO PUBLIC (every schema)
-- schemas: c183
-- app_roles: c183_app
-- expect: default_privileges_public c183_owner
DO $$ BEGIN CREATE ROLE c183_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c183;
GRANT USAGE ON SCHEMA c183 TO c183_app;
DO $$ BEGIN CREATE ROLE c183_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c183.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c183.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c183.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c183.orders TO c183_app;
ALTER DEFAULT PRIVILEGES FOR ROLE c183_owner GRANT INSERT, SELECT ON TABLES TO PUBLIC;
