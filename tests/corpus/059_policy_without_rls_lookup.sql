-- case: a table without tenant_id has a policy but RLS off (dormant policy)
-- schemas: c059
-- app_roles: c059_app
-- expect: policy_without_rls c059.settings
DO $$ BEGIN CREATE ROLE c059_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c059;
GRANT USAGE ON SCHEMA c059 TO c059_app;
CREATE TABLE c059.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c059.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c059.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c059.orders TO c059_app;
CREATE TABLE c059.settings (key text PRIMARY KEY, value text);
CREATE POLICY readable ON c059.settings USING (key NOT LIKE 'secret%');
GRANT SELECT ON c059.settings TO c059_app;
