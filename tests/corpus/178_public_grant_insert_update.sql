-- case: INSERT, UPDATE on a uuid tenant table granted to PUBLIC
-- schemas: c178
-- app_roles: c178_app
-- expect: tenant_table_public_grant c178.orders
DO $$ BEGIN CREATE ROLE c178_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c178;
GRANT USAGE ON SCHEMA c178 TO c178_app;
CREATE TABLE c178.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c178.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c178.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c178.orders TO c178_app;
GRANT INSERT, UPDATE ON c178.orders TO PUBLIC;
