-- case: clean: citext tenant column compared with the setting cast to citext (citext's own = operator)
-- schemas: c009
-- app_roles: c009_app
-- (no expect lines: must be clean)
CREATE EXTENSION IF NOT EXISTS citext;
DO $$ BEGIN CREATE ROLE c009_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c009;
GRANT USAGE ON SCHEMA c009 TO c009_app;
CREATE TABLE c009.orders (id bigint NOT NULL, tenant_id citext NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c009.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c009.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::citext)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::citext);
GRANT SELECT, INSERT, UPDATE, DELETE ON c009.orders TO c009_app;
