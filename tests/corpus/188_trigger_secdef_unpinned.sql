-- case: a SECURITY DEFINER trigger function without search_path
-- schemas: c188
-- app_roles: c188_app
-- expect: security_definer_trigger c188.orders.touch
-- expect: function_search_path_mutable c188.touch()
DO $$ BEGIN CREATE ROLE c188_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c188;
GRANT USAGE ON SCHEMA c188 TO c188_app;
CREATE TABLE c188.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c188.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c188.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c188.orders TO c188_app;
CREATE FUNCTION c188.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  NEW.note := coalesce(NEW.note, '');
  RETURN NEW;
END $$;
CREATE TRIGGER touch BEFORE INSERT ON c188.orders FOR EACH ROW EXECUTE FUNCTION c188.touch();
