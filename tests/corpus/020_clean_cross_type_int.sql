-- case: clean: int4 column compared with the setting cast to int8 (cross-type btree equality, index usable)
-- schemas: c020
-- app_roles: c020_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c020_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c020;
GRANT USAGE ON SCHEMA c020 TO c020_app;
CREATE TABLE c020.orders (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c020.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c020.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8);
GRANT SELECT, INSERT, UPDATE, DELETE ON c020.orders TO c020_app;
