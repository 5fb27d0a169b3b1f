-- case: a view joining a tenant table with a lookup table
-- schemas: c144
-- app_roles: c144_app
-- expect: view_bypasses_rls c144.orders_by_country
DO $$ BEGIN CREATE ROLE c144_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c144;
GRANT USAGE ON SCHEMA c144 TO c144_app;
CREATE TABLE c144.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, country char(2), PRIMARY KEY (tenant_id, id));
ALTER TABLE c144.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c144.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c144.orders TO c144_app;
CREATE TABLE c144.countries (code char(2) PRIMARY KEY, name text);
CREATE VIEW c144.orders_by_country AS SELECT c.name, count(*) FROM c144.orders o JOIN c144.countries c ON c.code = o.country GROUP BY c.name;
