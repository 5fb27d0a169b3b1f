-- case: a unique expression index on lower(code) without tenant_id
-- schemas: c249
-- app_roles: c249_app
-- expect: unique_not_tenant_scoped c249.orders.orders_lower_code_idx
-- why: An insert whose lower(code) another tenant uses fails with a duplicate key error naming the value.
DO $$ BEGIN CREATE ROLE c249_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c249;
GRANT USAGE ON SCHEMA c249 TO c249_app;
CREATE TABLE c249.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c249.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c249.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c249.orders TO c249_app;
CREATE UNIQUE INDEX orders_lower_code_idx ON c249.orders (lower(code));
