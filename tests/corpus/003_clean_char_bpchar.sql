-- case: clean: char(8) tenant column, setting cast to bpchar (no length modifier, no truncation)
-- schemas: c003
-- app_roles: c003_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c003_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c003;
GRANT USAGE ON SCHEMA c003 TO c003_app;
CREATE TABLE c003.orders (id bigint NOT NULL, tenant_id char(8) NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c003.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c003.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::bpchar)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::bpchar);
GRANT SELECT, INSERT, UPDATE, DELETE ON c003.orders TO c003_app;
