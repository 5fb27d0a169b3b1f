-- case: clean: varchar(32) tenant column compared with the text setting (binary relabel, index usable)
-- schemas: c002
-- app_roles: c002_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c002_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c002;
GRANT USAGE ON SCHEMA c002 TO c002_app;
CREATE TABLE c002.orders (id bigint NOT NULL, tenant_id varchar(32) NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c002.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c002.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c002.orders TO c002_app;
