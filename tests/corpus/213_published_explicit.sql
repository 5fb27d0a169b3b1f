-- case: a tenant table in a publication
-- schemas: c213
-- app_roles: c213_app
-- expect: tenant_table_published c213.orders
DO $$ BEGIN CREATE ROLE c213_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c213;
GRANT USAGE ON SCHEMA c213 TO c213_app;
CREATE TABLE c213.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c213.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c213.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c213.orders TO c213_app;
CREATE PUBLICATION c213_pub FOR TABLE c213.orders;
