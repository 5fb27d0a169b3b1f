-- case: uuid column cast to text: no index use
-- schemas: c104
-- app_roles: c104_app
-- expect: policy_not_sargable c104.orders.iso
DO $$ BEGIN CREATE ROLE c104_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c104;
GRANT USAGE ON SCHEMA c104 TO c104_app;
CREATE TABLE c104.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c104.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c104.orders
  USING (tenant_id::text = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id::text = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c104.orders TO c104_app;
