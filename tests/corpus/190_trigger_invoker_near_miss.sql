-- case: a SECURITY INVOKER trigger function
-- schemas: c190
-- app_roles: c190_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c190_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c190;
GRANT USAGE ON SCHEMA c190 TO c190_app;
CREATE TABLE c190.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c190.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c190.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c190.orders TO c190_app;
CREATE FUNCTION c190.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := coalesce(NEW.note, '');
  RETURN NEW;
END $$;
CREATE TRIGGER touch BEFORE INSERT ON c190.orders FOR EACH ROW EXECUTE FUNCTION c190.touch();
