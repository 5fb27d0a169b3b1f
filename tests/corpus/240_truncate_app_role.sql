-- case: TRUNCATE granted to the app role
-- schemas: c240
-- app_roles: c240_app
-- expect: tenant_table_truncate c240.orders
-- why: TRUNCATE is not subject to row-level security: as the app role with tenant 'a' set, TRUNCATE
-- why: removes tenant 'b''s rows too (checked live).
DO $$ BEGIN CREATE ROLE c240_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c240;
GRANT USAGE ON SCHEMA c240 TO c240_app;
CREATE TABLE c240.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c240.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c240.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON c240.orders TO c240_app;
