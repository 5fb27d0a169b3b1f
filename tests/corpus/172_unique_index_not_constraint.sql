-- case: a UNIQUE INDEX (not a constraint) on code without tenant_id
-- schemas: c172
-- app_roles: c172_app
-- expect: unique_not_tenant_scoped c172.orders.orders_code_idx
-- why: A unique index is the same cross-tenant existence oracle as a unique constraint: the duplicate-
-- why: key error reveals another tenant's value.
DO $$ BEGIN CREATE ROLE c172_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c172;
GRANT USAGE ON SCHEMA c172 TO c172_app;
CREATE TABLE c172.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c172.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c172.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c172.orders TO c172_app;
CREATE UNIQUE INDEX orders_code_idx ON c172.orders (code);
