-- case: ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA s GRANT SELECT ON TABLES TO PUBLIC
-- schemas: c182
-- app_roles: c182_app
-- expect: default_privileges_public c182_owner in schema c182
DO $$ BEGIN CREATE ROLE c182_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c182;
GRANT USAGE ON SCHEMA c182 TO c182_app;
DO $$ BEGIN CREATE ROLE c182_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c182.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c182.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c182.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c182.orders TO c182_app;
ALTER DEFAULT PRIVILEGES FOR ROLE c182_owner IN SCHEMA c182 GRANT SELECT ON TABLES TO PUBLIC;
