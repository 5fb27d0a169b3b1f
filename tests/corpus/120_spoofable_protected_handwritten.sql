-- case: protected mode, but a hand-written policy still reads the setting
-- schemas: c120
-- app_roles: c120_app
-- set: rls_fixer.context_mode = protected
-- include: tenant_context_spoofable
-- expect: tenant_context_spoofable app.current_tenant_id
DO $$ BEGIN CREATE ROLE c120_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c120;
GRANT USAGE ON SCHEMA c120 TO c120_app;
CREATE TABLE c120.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c120.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c120.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c120.orders TO c120_app;
