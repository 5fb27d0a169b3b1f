-- case: primary key (id) without tenant_id
-- schemas: c169
-- app_roles: c169_app
-- expect: unique_not_tenant_scoped c169.orders.orders_pkey
DO $$ BEGIN CREATE ROLE c169_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c169;
GRANT USAGE ON SCHEMA c169 TO c169_app;
CREATE TABLE c169.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (id));
ALTER TABLE c169.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c169.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c169.orders TO c169_app;
CREATE INDEX ON c169.orders (tenant_id);
