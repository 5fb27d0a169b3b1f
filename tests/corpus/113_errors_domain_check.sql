-- case: a text domain with a CHECK: '' violates it, so a cleared setting raises an error
-- schemas: c113
-- app_roles: c113_app
-- expect: policy_errors_without_tenant c113.orders.iso
-- why: ''::tenant_code fails the domain CHECK (ERROR: value for domain violates check constraint); NULL
-- why: passes it.
DO $$ BEGIN CREATE ROLE c113_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c113;
GRANT USAGE ON SCHEMA c113 TO c113_app;
CREATE DOMAIN c113.tenant_code AS text CHECK (VALUE ~ '^t[0-9]+$');
CREATE TABLE c113.orders (id bigint NOT NULL, tenant_id c113.tenant_code NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c113.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c113.orders
  USING (tenant_id = current_setting('app.current_tenant_id', true)::c113.tenant_code)
  WITH CHECK (tenant_id = current_setting('app.current_tenant_id', true)::c113.tenant_code);
GRANT SELECT, INSERT, UPDATE, DELETE ON c113.orders TO c113_app;
