-- case: clean: tables owned by a NOLOGIN migration role the app role is not a member of
-- schemas: c046
-- app_roles: c046_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c046_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c046;
GRANT USAGE ON SCHEMA c046 TO c046_app;
DO $$ BEGIN CREATE ROLE c046_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c046.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c046.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c046.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c046.orders TO c046_app;
ALTER TABLE c046.orders OWNER TO c046_owner;
