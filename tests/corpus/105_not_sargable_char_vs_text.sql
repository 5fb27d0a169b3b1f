-- case: char(8) column compared with text: the column is converted (rtrim), no index use
-- schemas: c105
-- app_roles: c105_app
-- expect: policy_not_sargable c105.orders.iso
DO $$ BEGIN CREATE ROLE c105_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c105;
GRANT USAGE ON SCHEMA c105 TO c105_app;
CREATE TABLE c105.orders (id bigint NOT NULL, tenant_id char(8) NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c105.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c105.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c105.orders TO c105_app;
