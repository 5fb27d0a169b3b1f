-- case: clean: bigint tenant_id = ANY (ARRAY[setting::int8])
-- schemas: c018
-- app_roles: c018_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c018_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c018;
GRANT USAGE ON SCHEMA c018 TO c018_app;
CREATE TABLE c018.orders (id bigint NOT NULL, tenant_id int8 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c018.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c018.orders
  USING (tenant_id = ANY (ARRAY[NULLIF(current_setting('app.current_tenant_id', true), '')::int8]))
  WITH CHECK (tenant_id = ANY (ARRAY[NULLIF(current_setting('app.current_tenant_id', true), '')::int8]));
GRANT SELECT, INSERT, UPDATE, DELETE ON c018.orders TO c018_app;
