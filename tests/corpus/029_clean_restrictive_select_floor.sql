-- case: clean: a RESTRICTIVE floor FOR SELECT neutralises a permissive FOR SELECT USING (true)
-- schemas: c029
-- app_roles: c029_app
-- (no expect lines: must be clean)
-- why: SELECT sees (iso OR reporting) AND floor_read = pinned rows only; reporting covers no other
-- why: command.
DO $$ BEGIN CREATE ROLE c029_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c029;
GRANT USAGE ON SCHEMA c029 TO c029_app;
CREATE TABLE c029.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c029.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c029.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c029.orders TO c029_app;
CREATE POLICY reporting ON c029.orders FOR SELECT USING (true);
CREATE POLICY floor_read ON c029.orders AS RESTRICTIVE FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
