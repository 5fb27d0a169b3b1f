-- case: the app role is a member of the tables' owner role
-- schemas: c162
-- app_roles: c162_app
-- expect: role_can_assume_bypass c162_app
DO $$ BEGIN CREATE ROLE c162_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c162;
GRANT USAGE ON SCHEMA c162 TO c162_app;
DO $$ BEGIN CREATE ROLE c162_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT c162_owner TO c162_app;
CREATE TABLE c162.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c162.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c162.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c162.orders TO c162_app;
ALTER TABLE c162.orders OWNER TO c162_owner;
