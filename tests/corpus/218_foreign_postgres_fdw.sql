-- case: a foreign table (postgres_fdw) with tenant_id
-- schemas: c218
-- app_roles: c218_app
-- expect: foreign_tenant_table c218.archived_orders
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
DO $$ BEGIN CREATE ROLE c218_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c218;
GRANT USAGE ON SCHEMA c218 TO c218_app;
CREATE TABLE c218.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c218.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c218.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c218.orders TO c218_app;
CREATE SERVER c218_remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname 'archive');
CREATE FOREIGN TABLE c218.archived_orders (id bigint, tenant_id uuid, note text) SERVER c218_remote OPTIONS (table_name 'orders');
