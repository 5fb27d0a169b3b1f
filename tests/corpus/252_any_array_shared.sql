-- case: tenant_id = ANY (ARRAY[setting, 'shared']): the 'shared' tenant's rows are every tenant's
-- schemas: c252
-- app_roles: c252_app
-- expect: tenant_policy_missing c252.orders
-- expect: permissive_policy_unscoped c252.orders.iso
-- why: ARRAY[x, 'shared'] is tenant_id = x OR tenant_id = 'shared': every tenant (and a request without one)
-- why: reads and writes the rows of tenant 'shared' (checked live).
DO $$ BEGIN CREATE ROLE c252_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c252;
GRANT USAGE ON SCHEMA c252 TO c252_app;
CREATE TABLE c252.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c252.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c252.orders
  USING (tenant_id = ANY (ARRAY[NULLIF(current_setting('app.current_tenant_id', true), ''), 'shared']))
  WITH CHECK (tenant_id = ANY (ARRAY[NULLIF(current_setting('app.current_tenant_id', true), ''), 'shared']));
GRANT SELECT, INSERT, UPDATE, DELETE ON c252.orders TO c252_app;
