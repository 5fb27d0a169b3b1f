-- case: varchar(8) column, setting cast to varchar(8): an explicit cast truncates
-- schemas: c069
-- app_roles: c069_app
-- expect: tenant_policy_missing c069.orders
-- expect: permissive_policy_unscoped c069.orders.iso
-- why: 'acme-corp-eu'::varchar(8) is 'acme-cor': a tenant with a longer id reads the tenant whose id is
-- why: its 8-character prefix.
DO $$ BEGIN CREATE ROLE c069_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c069;
GRANT USAGE ON SCHEMA c069 TO c069_app;
CREATE TABLE c069.orders (id bigint NOT NULL, tenant_id varchar(8) NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c069.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c069.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::varchar(8))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::varchar(8));
GRANT SELECT, INSERT, UPDATE, DELETE ON c069.orders TO c069_app;
