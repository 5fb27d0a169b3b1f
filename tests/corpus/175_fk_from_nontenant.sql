-- case: a table without tenant_id referencing a tenant table
-- schemas: c175
-- app_roles: c175_app
-- expect: unique_not_tenant_scoped c175.orders.orders_code_key
-- expect: foreign_key_not_tenant_scoped c175.exports.exports_order_code_fkey
DO $$ BEGIN CREATE ROLE c175_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c175;
GRANT USAGE ON SCHEMA c175 TO c175_app;
CREATE TABLE c175.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text NOT NULL, UNIQUE (tenant_id, code), UNIQUE (code), PRIMARY KEY (tenant_id, id));
ALTER TABLE c175.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c175.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c175.orders TO c175_app;
CREATE TABLE c175.exports (id bigint PRIMARY KEY, order_code text REFERENCES c175.orders (code));
