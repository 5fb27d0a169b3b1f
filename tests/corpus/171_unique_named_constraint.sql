-- case: a named UNIQUE (email) on a uuid table
-- schemas: c171
-- app_roles: c171_app
-- expect: unique_not_tenant_scoped c171.orders.orders_email_uq
DO $$ BEGIN CREATE ROLE c171_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c171;
GRANT USAGE ON SCHEMA c171 TO c171_app;
CREATE TABLE c171.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, email text NOT NULL, CONSTRAINT orders_email_uq UNIQUE (email), PRIMARY KEY (tenant_id, id));
ALTER TABLE c171.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c171.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c171.orders TO c171_app;
