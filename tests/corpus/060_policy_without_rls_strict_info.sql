-- case: the same dormant policy, with info findings labelled too (strict-info)
-- schemas: c060
-- app_roles: c060_app
-- strict-info
-- expect: policy_without_rls c060.settings
-- expect: table_skipped c060.settings
DO $$ BEGIN CREATE ROLE c060_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c060;
GRANT USAGE ON SCHEMA c060 TO c060_app;
CREATE TABLE c060.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c060.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c060.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c060.orders TO c060_app;
CREATE TABLE c060.settings (key text PRIMARY KEY, value text);
CREATE POLICY readable ON c060.settings USING (key NOT LIKE 'secret%');
GRANT SELECT ON c060.settings TO c060_app;
