-- case: UNIQUE (code) without tenant_id
-- schemas: c170
-- app_roles: c170_app
-- expect: unique_not_tenant_scoped c170.orders.orders_code_key
DO $$ BEGIN CREATE ROLE c170_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c170;
GRANT USAGE ON SCHEMA c170 TO c170_app;
CREATE TABLE c170.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text UNIQUE, PRIMARY KEY (tenant_id, id));
ALTER TABLE c170.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c170.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c170.orders TO c170_app;
