-- case: a FOR TABLES IN SCHEMA publication
-- schemas: c215
-- app_roles: c215_app
-- expect: tenant_table_published c215.orders
-- why: pg_publication_tables lists orders: its rows are streamed to any subscriber without RLS.
DO $$ BEGIN CREATE ROLE c215_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c215;
GRANT USAGE ON SCHEMA c215 TO c215_app;
CREATE TABLE c215.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c215.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c215.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c215.orders TO c215_app;
CREATE PUBLICATION c215_schema_pub FOR TABLES IN SCHEMA c215;
