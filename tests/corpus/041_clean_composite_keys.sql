-- case: clean: unique and foreign keys that include tenant_id
-- schemas: c041
-- app_roles: c041_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c041_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c041;
GRANT USAGE ON SCHEMA c041 TO c041_app;
CREATE TABLE c041.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text NOT NULL, UNIQUE (tenant_id, code), PRIMARY KEY (tenant_id, id));
ALTER TABLE c041.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c041.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c041.orders TO c041_app;
CREATE TABLE c041.lines (id bigint NOT NULL, tenant_id text NOT NULL, note text, order_id bigint NOT NULL, FOREIGN KEY (tenant_id, order_id) REFERENCES c041.orders (tenant_id, id), PRIMARY KEY (tenant_id, id));
ALTER TABLE c041.lines ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c041.lines
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c041.lines TO c041_app;
