-- case: TRUNCATE granted to a maintenance role that is no app role (and not assumable by one)
-- schemas: c243
-- app_roles: c243_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c243_maint LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE c243_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c243;
GRANT USAGE ON SCHEMA c243 TO c243_app;
CREATE TABLE c243.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c243.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c243.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c243.orders TO c243_app;
GRANT TRUNCATE ON c243.orders TO c243_maint;
