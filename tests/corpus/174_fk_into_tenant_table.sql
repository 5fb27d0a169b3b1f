-- case: a foreign key into a tenant table's id without tenant_id
-- schemas: c174
-- app_roles: c174_app
-- expect: unique_not_tenant_scoped c174.orders.orders_id_key
-- expect: foreign_key_not_tenant_scoped c174.lines.lines_order_id_fkey
DO $$ BEGIN CREATE ROLE c174_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c174;
GRANT USAGE ON SCHEMA c174 TO c174_app;
CREATE TABLE c174.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, UNIQUE (id), PRIMARY KEY (tenant_id, id));
ALTER TABLE c174.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c174.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c174.orders TO c174_app;
CREATE TABLE c174.lines (id bigint NOT NULL, tenant_id text NOT NULL, note text, order_id bigint REFERENCES c174.orders (id), PRIMARY KEY (tenant_id, id));
ALTER TABLE c174.lines ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c174.lines
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c174.lines TO c174_app;
